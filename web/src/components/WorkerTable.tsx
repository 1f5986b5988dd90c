import { bytes } from '../lib/format';
import type { WorkerRow } from '../lib/workers';

const pct = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(1)} %` : '–');
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export function WorkerTable({ rows }: { rows: WorkerRow[] }) {
  return (
    <table className="workers">
      <caption>Workers</caption>
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">State</th>
          <th scope="col">CPU</th>
          <th scope="col">Memory</th>
          <th scope="col">Free storage</th>
          <th scope="col">Packets held</th>
          <th scope="col">Stored</th>
          <th scope="col">Weight</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={8}>No worker has reported yet.</td>
          </tr>
        )}
        {rows.map((r) => {
          const s = r.stats ?? {};
          const memUsed = num(s.mem_used);
          const memLimit = num(s.mem_limit);
          return (
            <tr key={r.name} data-worker={r.name} data-state={r.state}>
              <th scope="row">{r.name}</th>
              <td>
                <span className={`badge badge-${r.state}`}>{r.state}</span>
                {r.why && <span className="muted small"> {r.why}</span>}
              </td>
              <td data-field="cpu" data-value={num(s.cpu) ?? ''}>
                {pct(s.cpu)}
                {typeof s.cpus === 'number' ? ` of ${s.cpus}` : ''}
              </td>
              <td data-field="mem">
                {bytes(memUsed)}
                {memLimit ? ` / ${bytes(memLimit)}` : ''}
              </td>
              <td data-field="storage">
                {bytes(num(s.free_storage))}
                {typeof s.storage_total === 'number' ? ` / ${bytes(s.storage_total)}` : ''}
              </td>
              <td data-field="packets">{num(s.store_packets) ?? '–'}</td>
              <td data-field="bytes">{bytes(num(s.store_bytes))}</td>
              <td data-field="weight">{r.weight !== undefined ? r.weight.toFixed(3) : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
