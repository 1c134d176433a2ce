/** Tokens used against the budget: the number is tiktoken's count of the exact text sent. */
export function TokenBar({ used, budget, encoding }: { used: number; budget: number; encoding: string }) {
  const share = Math.min(1, used / budget);
  return (
    <div
      className="token-bar"
      data-testid="token-bar"
      title={`Counted with tiktoken (${encoding}) on the exact prompt text`}
    >
      <div className="token-bar-track">
        <div className={`token-bar-fill${share > 0.97 ? ' full' : ''}`} style={{ width: `${share * 100}%` }} />
      </div>
      <span className="mono small" data-testid="token-count">
        {used.toLocaleString('en-US')} / {budget.toLocaleString('en-US')} tokens
      </span>
    </div>
  );
}
