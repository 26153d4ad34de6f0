import type { Remediation } from '../define';
import ec2_image_make_private from '../ec2_image_make_private';

/** Remediations added with issue 12 for network: each is a file in src/core/remediations/, listed here. */
export const NETWORK_REMEDIATIONS: readonly Remediation[] = [ec2_image_make_private];
