/** SVG polyline points of a loss curve scaled into a width × height box (y grows downward). */
export function lossPolyline(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const dx = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * dx).toFixed(1)},${(height - ((v - lo) / span) * height).toFixed(1)}`).join(' ');
}
