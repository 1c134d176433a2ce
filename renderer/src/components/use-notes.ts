import { useCallback, useEffect, useState } from 'react';
import type { SchemascopeClient } from '../../../shared/ipc-contract.ts';
import type { NoteView } from '../../../shared/knowledge-types.ts';

/** A note's key: names can hold any character but NUL. */
export function noteKey(schema: string, table: string, column: string | null): string {
  return `${schema}\u0000${table}\u0000${column === null ? '' : `c${column}`}`;
}

/** The source's notes by object, with setters that write through the engine. */
export function useNotes(client: SchemascopeClient, sourceId: string, onError: (error: unknown) => void) {
  const [notes, setNotes] = useState<Map<string, NoteView>>(new Map());

  const load = useCallback(async () => {
    try {
      const { notes: list } = await client['knowledge/list']({ sourceId });
      setNotes(new Map(list.map((note) => [noteKey(note.schema, note.table, note.column), note])));
    } catch (caught) {
      onError(caught);
    }
  }, [client, sourceId, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const save = async (schema: string, table: string, column: string | null, text: string) => {
    try {
      const note = await client['notes/set']({ sourceId, schema, table, column, text });
      setNotes((current) => new Map(current).set(noteKey(schema, table, column), note));
    } catch (caught) {
      onError(caught);
    }
  };
  const remove = async (schema: string, table: string, column: string | null) => {
    try {
      await client['notes/remove']({ sourceId, schema, table, column });
      setNotes((current) => {
        const next = new Map(current);
        next.delete(noteKey(schema, table, column));
        return next;
      });
    } catch (caught) {
      onError(caught);
    }
  };
  return { notes, save, remove };
}
