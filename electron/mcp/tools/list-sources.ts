import { quoted } from '../capped-text.ts';
import { cursorArg, defineTool, maxTokensArg, pageOf } from './tool-kit.ts';
import { cursorOffset } from '../paging-cursor.ts';

const NAME = 'list_sources';

export const listSources = defineTool({
  name: NAME,
  title: 'List sources',
  description: 'Databases you can query, by name, with engine, table count and cached-schema time.',
  input: { max_tokens: maxTokensArg, cursor: cursorArg },
  openWorld: false,
  async run(args, kit) {
    const offset = cursorOffset(NAME, args, args.cursor);
    const sources = await kit.directory.list();
    const body = await Promise.all(
      sources.map(async (source) => {
        let tables = 'schema not cached yet';
        if (source.lastSnapshotAt) {
          const listed = await kit.call('schema/tables', { sourceId: source.id }, kit.signal);
          const views = listed.tables.filter((table) => table.kind === 'view').length;
          tables = `${listed.tables.length - views} tables${views ? `, ${views} views` : ''}, snapshot ${listed.snapshot?.takenAt ?? source.lastSnapshotAt}${listed.snapshot?.offline ? ' (offline)' : ''}`;
        }
        return `- ${quoted(source.name)}: ${source.engine}, ${tables}; ${source.displayUrl}`;
      }),
    );
    const page = pageOf({
      tool: NAME,
      args,
      head: [`${sources.length} source(s). Pass a name as "source" to the other tools.`],
      body,
      offset,
      cap: args.max_tokens,
      unit: 'sources',
    });
    return page.text;
  },
});
