// The configuration contract: the document's schema, its defaults and its normalization.
export { CLIENT_TIMEOUT_DEFAULTS, DEFAULTS, VSERVER_DEFAULTS } from './defaults.js';
export * from './schema.js';
export * from './normalize.js';
export { siteView } from './sites.js';
export { WRITE_ONLY_MASK, WRITE_ONLY_SERVICE_PATHS, documentWithoutSecrets, keepSecrets, maskWriteOnly, withoutSecrets } from './write-only.js';
export { schemaCheck, type DocumentProblem } from './check.js';
export { cidrMatcher, compilePattern, patternProblem, ruleKey, switchTargets, MAX_PATTERN_LENGTH, type NContentRule, type Pattern } from './content-switch.js';
export {
  listView,
  validateChange,
  validateDocument,
  type DocumentChange,
  type DocumentView,
  type DocumentKind,
  type Problem,
  type ProblemCode,
  type RuleOptions,
} from './rules.js';
