// Codicon ids for notes: the #iconClass label (boxicons, "bx bx-folder") when a codicon fits, else by note type.

const TYPE_ICONS: Record<string, string> = {
  text: 'note',
  code: 'code',
  file: 'file-binary',
  image: 'file-media',
  search: 'search',
  relationMap: 'type-hierarchy',
  book: 'book',
  noteMap: 'graph',
  mermaid: 'graph-line',
  canvas: 'edit',
  webView: 'globe',
  launcher: 'rocket',
  doc: 'file-text',
  contentWidget: 'extensions',
  mindMap: 'type-hierarchy-sub',
  geoMap: 'map',
  render: 'preview',
  spreadsheet: 'table',
};

const BOXICON_TO_CODICON: Record<string, string> = {
  folder: 'folder', 'folder-open': 'folder-opened', home: 'home', star: 'star-full', calendar: 'calendar',
  'calendar-event': 'calendar', book: 'book', 'book-open': 'book', 'book-bookmark': 'bookmark', code: 'code',
  'code-alt': 'code', 'code-block': 'code', globe: 'globe', 'globe-alt': 'globe', link: 'link', 'link-external': 'link-external',
  user: 'person', 'user-circle': 'account', group: 'organization', cog: 'gear', wrench: 'tools', trash: 'trash',
  bookmark: 'bookmark', lock: 'lock', 'lock-alt': 'lock', 'lock-open': 'unlock', image: 'file-media', 'image-alt': 'file-media',
  file: 'file', 'file-blank': 'file', 'file-doc': 'file-text', note: 'note', task: 'tasklist', check: 'check',
  'check-square': 'pass', terminal: 'terminal', bug: 'bug', heart: 'heart', search: 'search', 'search-alt': 'search',
  archive: 'archive', bell: 'bell', chat: 'comment', message: 'comment', 'message-square': 'comment-discussion',
  envelope: 'mail', map: 'map', 'map-alt': 'map', table: 'table', 'list-ul': 'list-unordered', 'list-ol': 'list-ordered',
  data: 'database', server: 'server', cloud: 'cloud', key: 'key', bulb: 'lightbulb', rocket: 'rocket', edit: 'edit',
  pencil: 'pencil', pen: 'edit', history: 'history', time: 'watch', 'time-five': 'watch', hide: 'eye-closed', show: 'eye',
  sitemap: 'type-hierarchy', 'network-chart': 'graph', layout: 'layout', info: 'info', 'info-circle': 'info',
  'help-circle': 'question', error: 'error', 'error-circle': 'error', flag: 'milestone', pin: 'pin', tag: 'tag',
  purchase: 'tag', download: 'cloud-download', upload: 'cloud-upload', music: 'unmute', video: 'device-camera-video',
  camera: 'device-camera', phone: 'device-mobile', desktop: 'device-desktop', laptop: 'vm', chip: 'chip', filter: 'filter',
  'bar-chart': 'graph', 'line-chart': 'graph-line', 'pie-chart': 'pie-chart', dashboard: 'dashboard', notepad: 'notebook',
  news: 'notebook', briefcase: 'briefcase', gift: 'gift', coffee: 'coffee', 'paint': 'symbol-color', palette: 'symbol-color',
  shield: 'shield', 'shield-alt': 'shield', sun: 'sun', moon: 'moon', 'git-branch': 'git-branch', github: 'github',
  mobile: 'device-mobile', world: 'globe', widget: 'extensions', 'bookmarks': 'bookmark', keyboard: 'keyboard',
};

/** The codicon for a boxicons class string, or null when no codicon fits. */
export function codiconForIconClass(iconClass: string | null | undefined): string | null {
  if (!iconClass) return null;
  for (const cls of iconClass.split(/\s+/)) {
    const m = /^bx[sl]?-(.+)$/.exec(cls);
    if (m && BOXICON_TO_CODICON[m[1]]) return BOXICON_TO_CODICON[m[1]];
  }
  return null;
}

export function codiconForNote(note: { type: string; iconClass?: string | null; isProtected?: number }): string {
  if (note.isProtected) return 'lock';
  return codiconForIconClass(note.iconClass) ?? TYPE_ICONS[note.type] ?? 'note';
}
