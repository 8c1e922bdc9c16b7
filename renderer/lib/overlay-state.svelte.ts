/** Which overlay is up and the colour theme (persisted per browser). Only one overlay shows at a time. */
export type Theme = 'light' | 'dark';
export type Overlay = 'help' | 'settings' | null;

export class OverlayState {
  overlay = $state<Overlay>(null);
  theme = $state<Theme>('light');
}
