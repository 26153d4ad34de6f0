import { z } from 'zod';

/**
 * Operator settings that change how checks judge (cloudsec.yml `checks:`). They live in the core because
 * checks read them; src/config.ts embeds this schema so a bad value is reported with its exact path.
 * Every default exempts nothing: a check without settings judges as strictly as it can.
 */

/** An IAM role name, or a pattern of one where `*` stands for any run of characters. */
const ROLE_NAME_PATTERN = /^[\w+=,.@*-]{1,64}$/;

const roleNamePattern = z
  .string({ error: 'expected an IAM role name or pattern such as BreakGlassAdmin or "emergency-*"' })
  .regex(ROLE_NAME_PATTERN, 'expected an IAM role name or pattern (letters, digits, +=,.@_- and *; at most 64)')
  // A pattern of wildcards alone would mark every role as break-glass and so hide every admin role.
  .refine((p) => /[^*]/.test(p), 'a pattern of "*" alone would match every role; name the break-glass roles');

export const IamCheckSettingsSchema = z
  .object({
    /**
     * Roles kept for emergencies that hold full administrator access on purpose. They are still
     * reported by iam_principal_full_admin, under their own category and a lower severity.
     */
    breakGlassRoles: z
      .array(roleNamePattern, { error: 'expected a list of IAM role names or patterns, e.g. [BreakGlassAdmin]' })
      .max(100)
      .default([]),
  })
  .strict();

export const CheckSettingsSchema = z
  .object({
    iam: IamCheckSettingsSchema.default({ breakGlassRoles: [] }),
  })
  .strict();
export type CheckSettings = z.infer<typeof CheckSettingsSchema>;

/** What checks use when no settings are passed: no exemptions. */
export const DEFAULT_CHECK_SETTINGS: CheckSettings = { iam: { breakGlassRoles: [] } };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The first break-glass pattern that names `roleName`, or null. IAM role names are unique regardless
 * of case, so the match ignores case too (a list saying `breakglass` means the role `BreakGlass`).
 */
export const breakGlassPatternFor = (roleName: string, settings: CheckSettings | undefined): string | null => {
  for (const pattern of settings?.iam.breakGlassRoles ?? []) {
    const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'i');
    if (regex.test(roleName)) return pattern;
  }
  return null;
};
