/** The half-hour values as an accessible table under the chart (the same numbers as the bars). */
import type { ApiHalfHour } from './api.js';
import type { Messages } from './i18n.js';
import { japanDate, japanClock } from './japan-time.js';

/** Replaces the table body with one row per half hour: end of the half hour (Japan), kWh bought, kWh sold. */
export function fillHalfHourTable(table: HTMLElement, items: readonly ApiHalfHour[], t: Messages): void {
  const cells = [t.slot, `${t.bought} (kWh)`, `${t.sold} (kWh)`].map((c) => `<th scope="col">${c}</th>`);
  const head = `<thead><tr>${cells.join('')}</tr></thead>`;
  table.innerHTML = head;
  const body = document.createElement('tbody');
  for (const h of items) {
    const ms = Date.parse(h.slot_start);
    const row = document.createElement('tr');
    for (const text of [
      `${japanDate(ms - 1)} ${japanClock(ms).slice(0, 5).replace('00:00', '24:00')}`,
      h.consumed_kwh,
      h.exported_kwh,
    ]) {
      const cell = document.createElement('td');
      cell.textContent = text === null ? '—' : String(text);
      row.append(cell);
    }
    body.append(row);
  }
  table.append(body);
}
