import type { AnyCheck } from '../define';
import lambda_function_not_public from './lambda_function_not_public';
import lambda_function_url_auth_required from './lambda_function_url_auth_required';

/** The lambda checks. Adding one: its file here, one line in this list, and its test. */
export const LAMBDA_CHECKS: readonly AnyCheck[] = [lambda_function_not_public, lambda_function_url_auth_required];
