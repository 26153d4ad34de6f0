import type { AnyCheck } from '../define';
import ec2_image_not_public from './ec2_image_not_public';
import ec2_instance_profile_attached from './ec2_instance_profile_attached';
import ec2_instance_public_ports_exposed from './ec2_instance_public_ports_exposed';
import ec2_network_acl_admin_ports_restricted from './ec2_network_acl_admin_ports_restricted';
import ec2_security_group_admin_ports_ipv4_restricted from './ec2_security_group_admin_ports_ipv4_restricted';
import ec2_security_group_admin_ports_ipv6_restricted from './ec2_security_group_admin_ports_ipv6_restricted';
import ec2_vpc_flow_logs_enabled from './ec2_vpc_flow_logs_enabled';

/** Checks of ec2 added with CIS AWS Foundations v3.0 coverage (issue 12); the earlier ec2 checks are listed in ../index.ts. */
export const EC2_CIS3_CHECKS: readonly AnyCheck[] = [
  ec2_vpc_flow_logs_enabled,
  ec2_network_acl_admin_ports_restricted,
  ec2_security_group_admin_ports_ipv4_restricted,
  ec2_security_group_admin_ports_ipv6_restricted,
  ec2_instance_public_ports_exposed,
  ec2_instance_profile_attached,
  ec2_image_not_public,
];
