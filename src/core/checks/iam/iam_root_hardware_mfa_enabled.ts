import { defineCheck, fail, pass } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { rootMfaStatus, unknownResult } from '../../iam-credentials';

type VirtualMfaDevice = { serialNumber: string; userArn: string | null };

/** A root user's virtual device is assigned to `arn:…:root`; older ones also carry the fixed serial name. */
const isRootDevice = (d: VirtualMfaDevice): boolean =>
  (d.userArn?.endsWith(':root') ?? false) || d.serialNumber.endsWith(':mfa/root-account-mfa-device');

export default defineCheck({
  id: 'iam_root_hardware_mfa_enabled',
  service: 'iam',
  severity: 'high',
  title: 'Root user uses a hardware MFA device',
  failTitle: 'Root user has no hardware MFA',
  rationale:
    'A virtual MFA secret lives on a phone or laptop that can be lost, backed up or compromised; a hardware key for the most privileged user cannot be copied.',
  remediationText:
    'Sign in as the root user, open Security credentials, assign a hardware MFA device (FIDO key or hardware TOTP token), then remove the virtual MFA device.',
  frameworks: { cis: '1.6', securityHub: 'IAM.6' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => {
    const iam = account.iam;
    const resource = accountResource(account);
    const devices = iam.virtualMfaDevices;
    // A root virtual device settles the question even when the MFA status itself could not be read.
    const rootVirtual = devices.ok ? devices.value.filter(isRootDevice) : [];
    if (rootVirtual.length > 0) {
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The root user of account ${account.accountId} uses a virtual MFA device, not a hardware one.`,
          {
            virtualDevices: rootVirtual.map((d) => d.serialNumber),
          },
        ),
      ];
    }
    const status = rootMfaStatus(iam);
    if (!status.known) {
      return [
        unknownResult(
          resource,
          status.error ??
            `Could not check: neither the credential report nor the account summary of ${account.accountId} shows root MFA.`,
        ),
      ];
    }
    if (!status.mfaActive) {
      return [
        fail(resource, GLOBAL_REGION, `The root user of account ${account.accountId} has no MFA device at all.`, {
          mfaActive: false,
          source: status.source,
        }),
      ];
    }
    if (!devices.ok) return [unknownResult(resource, devices.error, { mfaActive: true })];
    return [
      pass(resource, GLOBAL_REGION, `The root user of account ${account.accountId} uses hardware MFA.`, {
        mfaActive: true,
        source: status.source,
        virtualDevices: [],
      }),
    ];
  },
});
