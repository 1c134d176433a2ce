import type { ExplainView, PlanNodeView } from '../../../shared/ipc-contract.ts';

function formatNumber(value: number | null): string {
  if (value === null) return '–';
  return value >= 100 ? Math.round(value).toLocaleString() : String(Math.round(value * 100) / 100);
}

interface Row {
  readonly node: PlanNodeView;
  readonly depth: number;
  readonly key: string;
}

function flatten(nodes: readonly PlanNodeView[], depth = 0, prefix = ''): Row[] {
  return nodes.flatMap((node, index) => {
    const key = `${prefix}${index}`;
    return [{ node, depth, key }, ...flatten(node.children, depth + 1, `${key}.`)];
  });
}

/**
 * A query plan as an indented tree with the engine's estimates (rows, cost; "–" where the engine gives none), the
 * warnings first. The statement behind it was only planned, never run.
 */
export function PlanView({ explained, title = 'Plan' }: { explained: ExplainView; title?: string }) {
  const rows = flatten(explained.plan);
  return (
    <section className="plan-view" data-testid="plan-view" aria-label="Query plan">
      <div className="plan-header">
        <strong>{title}</strong>
        <span className="muted small">
          {explained.engine === 'sqlite'
            ? 'SQLite EXPLAIN QUERY PLAN (no estimates; table sizes from the catalog)'
            : `${explained.engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'} estimates`}{' '}
          · planned in {Math.round(explained.ms)} ms · not executed
        </span>
      </div>
      {explained.warnings.length > 0 ? (
        <ul className="plan-warnings" data-testid="plan-warnings">
          {explained.warnings.map((warning) => (
            <li key={`${warning.kind}-${warning.relation ?? ''}`} className={`plan-warning ${warning.kind}`}>
              ⚠ {warning.message}
            </li>
          ))}
        </ul>
      ) : (
        <div className="muted small plan-ok" data-testid="plan-warnings">
          No full scans of large tables, no joins without an index.
        </div>
      )}
      <table className="meta-table plan-table">
        <thead>
          <tr>
            <th>Operation</th>
            <th>Table</th>
            <th>Index</th>
            <th className="number">Est. rows</th>
            <th className="number">Cost</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ node, depth, key }) => (
            <tr key={key} className={node.fullScan || node.joinWithoutIndex ? 'plan-flagged' : ''}>
              <td style={{ paddingLeft: 8 + depth * 16 }} className="plan-operation">
                {depth > 0 ? '└ ' : ''}
                {node.operation}
              </td>
              <td className="mono">{node.relation ?? ''}</td>
              <td className="mono muted">{node.index ?? ''}</td>
              <td className="number">{formatNumber(node.rows)}</td>
              <td className="number">{formatNumber(node.cost)}</td>
              <td className="mono muted small plan-detail" title={node.detail}>
                {node.detail}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
