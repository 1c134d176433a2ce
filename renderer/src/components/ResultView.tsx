import { useState, type ComponentProps } from 'react';
import { ResultChart } from './ResultChart.tsx';
import { ResultsGrid } from './ResultsGrid.tsx';

/** A result as a grid or as a chart of its loaded rows. */
export function ResultView(props: ComponentProps<typeof ResultsGrid>) {
  const [shown, setShown] = useState<'grid' | 'chart'>('grid');
  return (
    <>
      <div className="result-switch" role="tablist" aria-label="Result view">
        <button
          type="button"
          role="tab"
          aria-selected={shown === 'grid'}
          className={shown === 'grid' ? 'active' : ''}
          onClick={() => setShown('grid')}
        >
          Grid
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={shown === 'chart'}
          className={shown === 'chart' ? 'active' : ''}
          onClick={() => setShown('chart')}
          title="Chart the loaded rows"
        >
          Chart
        </button>
      </div>
      {shown === 'chart' ? <ResultChart result={props.result} /> : <ResultsGrid {...props} />}
    </>
  );
}
