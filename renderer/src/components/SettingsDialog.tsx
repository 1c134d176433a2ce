import { useEffect, useState } from 'react';
import type { SerializedError } from '../../../shared/errors.ts';
import type { ResponseOf, SchemascopeClient, SettingsView } from '../../../shared/ipc-contract.ts';
import { ErrorNotice, toErrorData } from './ErrorNotice.tsx';

/** The language model (any OpenAI-compatible endpoint), the context budget and the default row limit. */
export function SettingsDialog({ client, onClose }: { client: SchemascopeClient; onClose: () => void }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [budget, setBudget] = useState(6000);
  const [rowLimit, setRowLimit] = useState(10000);
  const [error, setError] = useState<SerializedError | null>(null);
  const [busy, setBusy] = useState(false);
  const [agents, setAgents] = useState<ResponseOf<'sources/mcpCommands'> | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    void client['settings/get']({}).then(
      (loaded) => {
        setSettings(loaded);
        setBaseUrl(loaded.llm.baseUrl ?? '');
        setModel(loaded.llm.model ?? '');
        setBudget(loaded.contextBudget);
        setRowLimit(loaded.rowLimit);
      },
      (caught: unknown) => setError(toErrorData(caught)),
    );
    void client['sources/mcpCommands']({}).then(setAgents, (caught: unknown) => setError(toErrorData(caught)));
  }, [client]);

  const copy = async (sourceId: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(sourceId);
    } catch {
      setCopied(null); // no clipboard permission: the text is selectable in the field
    }
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await client['settings/set']({
        llm: { baseUrl: baseUrl.trim() || null, model: model.trim() || null, ...(apiKey ? { apiKey } : {}) },
        contextBudget: budget,
        rowLimit,
      });
      onClose();
    } catch (caught) {
      setError(toErrorData(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-label="Settings"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2>Settings</h2>
        <label>
          Language model
          <input
            autoFocus
            value={model}
            onChange={(event) => setModel(event.target.value)}
            placeholder="gpt-4o-mini (empty: no model, context only)"
            spellCheck={false}
          />
        </label>
        <label>
          Base URL
          <input
            value={baseUrl}
            onChange={(event) => setBaseUrl(event.target.value)}
            placeholder="https://api.openai.com/v1 · http://localhost:11434/v1 (Ollama)"
            spellCheck={false}
          />
        </label>
        <label>
          API key
          <input
            type="password"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            placeholder={settings?.llm.hasApiKey ? '•••••• (stored; type to replace)' : 'optional for local servers'}
            autoComplete="off"
          />
        </label>
        <label>
          Context budget (tokens)
          <input
            type="number"
            min={100}
            max={1000000}
            value={budget}
            onChange={(event) => setBudget(Number(event.target.value))}
          />
        </label>
        <label>
          Default row limit
          <input
            type="number"
            min={1}
            max={1000000}
            value={rowLimit}
            onChange={(event) => setRowLimit(Number(event.target.value))}
          />
        </label>
        <p className="hint">
          The key stays in the main process (encrypted at rest in the desktop app); the window only learns whether one
          is stored.
        </p>
        <section className="mcp-commands" data-testid="mcp-commands" aria-label="AI agents (MCP)">
          <h3>AI agents (MCP)</h3>
          <p className="hint">
            Claude Desktop, VS Code or Cursor can read a source's schema and run read-only queries through Schemascope:
            add this command as an MCP server (stdio) in the client's configuration. See the README for each client.
          </p>
          {agents && agents.script === null && (
            <p className="hint">
              No command-line install next to this app: run Schemascope from its repository to get one.
            </p>
          )}
          {agents?.commands.map((entry) => (
            <div className="mcp-command" key={entry.sourceId} data-source={entry.name}>
              <label>
                {entry.name}
                <input
                  readOnly
                  value={entry.shell}
                  spellCheck={false}
                  onFocus={(event) => event.target.select()}
                  aria-label={`MCP command for ${entry.name}`}
                />
              </label>
              <button type="button" onClick={() => void copy(entry.sourceId, entry.shell)}>
                {copied === entry.sourceId ? 'Copied' : 'Copy'}
              </button>
              {entry.needsPassword && (
                <p className="hint">Pass its password as env SCHEMASCOPE_PASSWORD in the client's configuration.</p>
              )}
            </div>
          ))}
        </section>
        <ErrorNotice error={error} />
        <footer className="dialog-actions">
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </footer>
      </form>
    </div>
  );
}
