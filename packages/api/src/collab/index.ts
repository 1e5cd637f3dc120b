export {
  type Access,
  type AccessDecision,
  type Authorizer,
  type DocRef,
  defaultAuthorize,
  docRefFromUrl,
  parseDocName,
} from './docs.ts';
export { type CoEditableField, type CoFields, coEditableFields, coFieldSchemas } from './fields.ts';
export {
  type CollabLimits,
  type CollabLogger,
  type CollabServer,
  type CollabServerOptions,
  type CollabStats,
  closeCodes,
  createCollabServer,
  defaultLimits,
  type FieldError,
} from './server.ts';
