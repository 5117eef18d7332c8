export const TABS = ['sessions', 'direct', 'machines'] as const;
export type TabId = (typeof TABS)[number];

export const TAB_LABELS: Record<TabId, string> = {
  sessions: 'Sessions',
  direct: 'Direct',
  machines: 'Machines',
};

export function nextTab(tab: TabId, step: 1 | -1): TabId {
  const i = TABS.indexOf(tab);
  return TABS[(i + step + TABS.length) % TABS.length]!;
}
