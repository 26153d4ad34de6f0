import type { AnyCheck } from '../define';
import iam_cloudshell_full_access_restricted from './iam_cloudshell_full_access_restricted';
import iam_server_certificate_not_expired from './iam_server_certificate_not_expired';
import iam_support_role_exists from './iam_support_role_exists';
import iam_user_no_unused_setup_access_key from './iam_user_no_unused_setup_access_key';

/** Checks of iam added with CIS AWS Foundations v3.0 coverage (issue 12); the earlier iam checks are listed in ../index.ts. */
export const IAM_CIS3_CHECKS: readonly AnyCheck[] = [
  iam_user_no_unused_setup_access_key,
  iam_support_role_exists,
  iam_server_certificate_not_expired,
  iam_cloudshell_full_access_restricted,
];
