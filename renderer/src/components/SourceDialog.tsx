import { useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { AppMode, SchemascopeClient, SourceView } from '../../../shared/ipc-contract.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';

/** Add or edit a connection. The password field is write-only: a stored password is never sent back. */
export function SourceDialog(props: {
  client: SchemascopeClient;
  source: SourceView | null;
  mode: AppMode;
  onClose: () => void;
  onSaved: (source: SourceView) => void;
  onRemoved: (id: string) => void;
}) {
  const [name, setName] = useState(props.source?.name ?? '');
  const [url, setUrl] = useState(props.source?.displayUrl ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SerializedError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      await action();
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setBusy(false);
    }
  };

  const test = () =>
    run(async () => {
      const useStored = props.source !== null && url === props.source.displayUrl && !password;
      const result = await props.client['sources/test'](
        useStored ? { id: props.source!.id } : { url, ...(password ? { password } : {}) },
      );
      setStatus(`Connected: ${result.serverVersion} (${Math.round(result.ms)} ms)`);
    });

  const save = () =>
    run(async () => {
      const saved = props.source
        ? await props.client['sources/update']({ id: props.source.id, name, url, ...(password ? { password } : {}) })
        : await props.client['sources/add']({ name, url, ...(password ? { password } : {}) });
      props.onSaved(saved);
    });

  const remove = () =>
    run(async () => {
      if (!props.source) return;
      await props.client['sources/remove']({ id: props.source.id });
      props.onRemoved(props.source.id);
    });

  return (
    <div
      className="dialog-backdrop"
      role="presentation"
      onKeyDown={(event) => event.key === 'Escape' && props.onClose()}
    >
      <form
        className="dialog"
        role="dialog"
        aria-label={props.source ? 'Edit connection' : 'Add connection'}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2>{props.source ? 'Edit connection' : 'Add connection'}</h2>
        <label>
          Name
          <input
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="Sales warehouse"
            required
          />
        </label>
        <label>
          URL
          <input
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="postgres://analyst@db.internal:5432/sales"
            required
            spellCheck={false}
          />
        </label>
        {props.mode === 'electron' && (
          <button
            type="button"
            onClick={() =>
              void run(async () => {
                const picked = await props.client['app/pickFile']({});
                if (picked.path) {
                  setUrl(`sqlite:${picked.path}`);
                  if (!name) setName(picked.path.split(/[\\/]/).pop() ?? picked.path);
                }
              })
            }
          >
            Choose a SQLite file…
          </button>
        )}
        <p className="hint">
          sqlite:/path/to/file.db · mysql://user@host:3306/db · postgres://user@host:5432/db
          {props.mode === 'web' ? ' · SQLite: type the file path on this machine.' : ''}
        </p>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            placeholder={props.source?.hasPassword ? '•••••• (stored; type to replace)' : 'optional'}
            autoComplete="off"
          />
        </label>
        {props.mode === 'web' && (
          <p className="hint">
            Web mode keeps passwords in memory until the server stops; the desktop app encrypts them with the OS
            keychain.
          </p>
        )}
        <ErrorNotice error={error} />
        {status && <div className="notice notice-ok">{status}</div>}
        <footer className="dialog-actions">
          {props.source && (
            <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
              Remove
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={() => void test()} disabled={busy || !url}>
            Test
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name || !url}>
            Save
          </button>
        </footer>
      </form>
    </div>
  );
}
