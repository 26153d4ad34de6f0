/** Accepted risks (exceptions): shapes in ./model, pure decisions in the modules below. */
export * from './model';
export { matchesPattern, matchesAnyPattern, isExactPattern, PATTERN_WILDCARD } from './pattern';
export { scopeCovers, scopeVerdict, accountVerdict, checkInScope, type ScopeContext, type ScopeVerdict } from './match';
export {
  evidenceDigest,
  canonicalEvidence,
  acceptedBaseline,
  IGNORED_EVIDENCE_KEYS,
  EVIDENCE_DIGEST_VERSION,
} from './baseline';
export {
  applyExceptions,
  compareExceptions,
  worsening,
  type ApplyContext,
  type AppliedExceptions,
  type ExceptedFinding,
  type ResurfacedFinding,
} from './apply';
export {
  isInForce,
  dueToExpire,
  dueForReminder,
  expiringSoon,
  recentlyExpired,
  staleExceptions,
  staleIfLookedAt,
  accountsCoveredBy,
  validateNewException,
  daysLeft,
  type ScannedScope,
  type NewExceptionInput,
} from './lifecycle';
export {
  coveragePreview,
  scopeAccounts,
  COVERAGE_SAMPLE_SIZE,
  type CoveragePreview,
  type KnownAccount,
  type ScopeAccounts,
} from './coverage';
export { instantOf } from './time';
