import type { SerializedError } from '../../../shared/errors.ts';
import { ownValue } from '../../../shared/own-value.ts';

const KIND_LABELS: Record<string, string> = {
  invalid_input: 'Invalid input',
  auth: 'Authentication failed',
  unreachable: 'Unreachable',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  rate_limited: 'Rate limited',
  pool_busy: 'Pool busy',
  read_only_violation: 'Blocked: read-only',
  not_found: 'Not found',
  not_available: 'Not available',
  offline: 'Offline',
  unauthorized: 'Unauthorized',
  storage: 'Storage problem',
  internal: 'Unexpected error',
};

/** Shows an error as its kind and message, plainly; never a stack trace. */
export function ErrorNotice({ error, onDismiss }: { error: SerializedError | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className={`notice notice-error kind-${error.kind}`} role="alert" data-testid="error-notice">
      <strong>{ownValue(KIND_LABELS, error.kind) ?? error.kind}</strong>
      <span className="notice-message">{error.message}</span>
      {onDismiss && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

export function toErrorData(error: unknown): SerializedError {
  if (error && typeof error === 'object' && 'kind' in error && 'message' in error) {
    const { kind, message } = error as SerializedError;
    return { kind, message };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}
