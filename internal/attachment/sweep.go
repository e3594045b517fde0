package attachment

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// sweepBatch bounds the rows one Sweep transaction deletes.
const sweepBatch = 500

// Sweep removes the uploads that no record claimed within Limits.KeepUnlinked of now:
// the photos of a form that was then refused or abandoned, a file sent to the API and
// never used. Rows go first, in batches, each batch with one audit entry
// ("attachment.sweep"); the stored bytes of a batch are deleted after it commits. A
// record linking an upload at the same moment either claims it first (the sweep then
// skips it) or finds it gone (the link is refused as an unknown attachment), never a
// row without its bytes.
//
// Sweep returns how many uploads it removed. When the Store fails to delete a file,
// Sweep goes on and returns the first such error; the row is gone, so nothing refers to
// the file any more.
func (m *Module) Sweep(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-m.Limits.orDefaults().KeepUnlinked).UTC()
	total := 0
	var storeErr error
	for {
		var ids []db.ID
		var keys []string
		err := m.DB.Tx(ctx, func(tx *db.Tx) error {
			ids, keys = ids[:0], keys[:0]
			rows, err := tx.Query(ctx, `DELETE FROM attachments WHERE id IN (
					SELECT id FROM attachments WHERE linked = FALSE AND uploaded_at < ? ORDER BY uploaded_at LIMIT ?)
				AND linked = FALSE
				RETURNING id, storage_key`, cutoff, sweepBatch)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id db.ID
				var key string
				if err := rows.Scan(&id, &key); err != nil {
					return err
				}
				ids, keys = append(ids, id), append(keys, key)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			return m.Audit.Record(ctx, tx, audit.Entry{Action: "attachment.sweep", ObjectType: "attachment",
				ObjectID: ids[0].String(), ActorName: "system",
				Detail: map[string]any{"count": len(ids), "ids": ids, "uploaded_before": cutoff}})
		})
		if err != nil {
			return total, err
		}
		for _, key := range keys {
			if err := m.Store.Delete(context.WithoutCancel(ctx), key); err != nil && storeErr == nil {
				storeErr = err
			}
		}
		total += len(ids)
		if len(ids) < sweepBatch {
			return total, storeErr
		}
	}
}
