/**
 * The camera is sent as 3 simulcast layers of 1/4, 1/2 and full resolution (up to 1280 px wide);
 * pick the lowest layer that still covers the tile's device pixels.
 */
export function spatialLayerFor(tileWidthCss: number, devicePixelRatio = 1, fullWidth = 1280, layers = 3): number {
  const needed = Math.max(0, tileWidthCss) * Math.max(1, devicePixelRatio);
  for (let layer = 0; layer < layers - 1; layer++) {
    const width = fullWidth / 2 ** (layers - 1 - layer);
    if (needed <= width * 1.25) return layer;
  }
  return layers - 1;
}
