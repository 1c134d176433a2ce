import { useEffect, useRef, useState } from 'react';

/**
 * A team note written inline: shown as text (or a quiet "Add note"), edited in place. Enter saves (Shift+Enter: a new
 * line), Escape cancels; an emptied note is removed. Keyboard-first: the note is a button until it is edited.
 */
export function NoteEditor({
  note,
  label,
  onSave,
  onRemove,
}: {
  note: string | null;
  label: string;
  onSave: (text: string) => Promise<void>;
  onRemove: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(note ?? '');
  const [saving, setSaving] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (editing) area.current?.focus();
  }, [editing]);

  const save = async () => {
    setSaving(true);
    try {
      if (draft.trim()) await onSave(draft.trim());
      else if (note !== null) await onRemove();
      setEditing(false);
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    return (
      <button
        type="button"
        className={`note-view${note === null ? ' note-empty' : ''}`}
        aria-label={note === null ? `Add a note on ${label}` : `Edit the note on ${label}`}
        title="Team note: used by Ask and search, shared in schema packs"
        onClick={() => {
          setDraft(note ?? '');
          setEditing(true);
        }}
      >
        {note ?? '+ note'}
      </button>
    );
  }
  return (
    <div className="note-edit">
      <textarea
        ref={area}
        aria-label={`Note on ${label}`}
        value={draft}
        maxLength={4000}
        rows={2}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) {
            event.preventDefault();
            void save();
          }
          if (event.key === 'Escape') setEditing(false);
        }}
      />
      <div className="note-actions">
        <button type="button" className="primary" disabled={saving} onClick={() => void save()} title="Save (Enter)">
          Save
        </button>
        <button type="button" disabled={saving} onClick={() => setEditing(false)} title="Cancel (Esc)">
          Cancel
        </button>
        {note !== null && (
          <button
            type="button"
            className="danger"
            disabled={saving}
            onClick={() => {
              setSaving(true);
              void onRemove()
                .then(() => setEditing(false))
                .finally(() => setSaving(false));
            }}
          >
            Remove
          </button>
        )}
      </div>
    </div>
  );
}
