/**
 * The dashboard's words in English and Japanese, chosen by the browser's language
 * (navigator.languages / navigator.language: any 'ja…' gives Japanese).
 */
const en = {
  title: 'Home power',
  power: 'Power now',
  importing: 'buying from the grid',
  exporting: 'selling to the grid (export)',
  currentR: 'Current R',
  currentT: 'Current T',
  lastReading: 'Last reading',
  ago: (s: number) =>
    s < 90 ? `${Math.round(s)} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`,
  state: {
    up: 'link up',
    joining: 'joining',
    recovering: 'recovering',
    stopped: 'stopped',
    unknown: 'connecting',
  } as Record<string, string>,
  reconnecting: 'reconnecting…',
  powerChart: 'Power',
  watts: 'Power (W)',
  halfHours: 'Half hours, yesterday and today',
  kwhHalfHour: 'kWh per half hour',
  daily: 'Daily energy, last 100 days',
  kwhDay: 'kWh per day',
  bought: 'bought (import)',
  sold: 'sold (export)',
  thisMonth: 'This month so far',
  showTable: 'Show the values as a table',
  slot: 'Half hour ending',
  emptyTitle: 'No data yet',
  emptyText:
    'bmeter serve is running but the store holds no reading yet. ' +
    'The first reading shows here as soon as the meter answers.',
  loadFailed: 'Could not load',
  range: { '1h': '1 h', '6h': '6 h', '24h': '24 h', '7d': '7 days' } as Record<string, string>,
  noPoints: 'No readings in this range',
};

const ja: typeof en = {
  title: '家庭の電力',
  power: '現在の電力',
  importing: '買電中',
  exporting: '売電中（逆潮流）',
  currentR: '電流 R相',
  currentT: '電流 T相',
  lastReading: '最終計測',
  ago: (s: number) =>
    s < 90 ? `${Math.round(s)} 秒前` : s < 5400 ? `${Math.round(s / 60)} 分前` : `${Math.round(s / 3600)} 時間前`,
  state: { up: '接続中', joining: '接続処理中', recovering: '復旧中', stopped: '停止', unknown: '接続待ち' },
  reconnecting: '再接続中…',
  powerChart: '電力',
  watts: '電力 (W)',
  halfHours: '30分ごとの電力量（昨日・今日）',
  kwhHalfHour: 'kWh / 30分',
  daily: '日ごとの電力量（100日）',
  kwhDay: 'kWh / 日',
  bought: '買電',
  sold: '売電',
  thisMonth: '今月の累計',
  showTable: '表で見る',
  slot: '30分の終わり',
  emptyTitle: 'まだデータがありません',
  emptyText:
    'bmeter serve は動いていますが、まだ計測値がありません。' + 'スマートメーターが応答すると、ここに表示されます。',
  loadFailed: '読み込めませんでした',
  range: { '1h': '1時間', '6h': '6時間', '24h': '24時間', '7d': '7日' },
  noPoints: 'この期間の計測値はありません',
};

/** The messages for this browser. */
export type Messages = typeof en;

/** English unless the browser prefers Japanese. */
export function pickMessages(languages: readonly string[]): { lang: 'ja' | 'en'; t: Messages } {
  const first = languages.find((l) => l.length > 0) ?? 'en';
  return first.toLowerCase().startsWith('ja') ? { lang: 'ja', t: ja } : { lang: 'en', t: en };
}
