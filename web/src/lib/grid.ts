/** How the video grid is cut: columns × rows and the size of one tile in CSS pixels. */
export interface GridLayout {
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/**
 * Picks the column count that gives each tile the most area in the container. A tile may be anything from
 * `minAspect` (4:3, its video cropped at the sides) to `maxAspect` (16:9), so that two people sit side by side
 * in a narrow stage (the side panel open) instead of stacking as two thin strips; a phone held upright still
 * stacks, 3–4 make 2×2, 5–9 make 3×3. In a landscape stage more columns win
 * unless they cost more than a quarter of the largest tile's area.
 */
export function gridLayout(count: number, width: number, height: number, maxAspect = 16 / 9, gap = 8, minAspect = 4 / 3): GridLayout {
  const tiles = Math.max(1, Math.floor(count));
  const usableWidth = Math.max(1, width);
  const usableHeight = Math.max(1, height);
  let best: GridLayout = { columns: 1, rows: tiles, tileWidth: 0, tileHeight: 0 };
  let largestArea = 0;
  // In a landscape stage more columns are worth a somewhat smaller tile: people expect to sit side by side.
  const threshold = usableWidth > usableHeight ? 0.75 : 1.0001;
  for (let columns = 1; columns <= tiles; columns++) {
    const rows = Math.ceil(tiles / columns);
    // A column count that leaves a whole empty row is never better than one fewer column.
    if (columns > 1 && Math.ceil(tiles / (columns - 1)) === rows) continue;
    const cellWidth = (usableWidth - gap * (columns - 1)) / columns;
    const cellHeight = (usableHeight - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const tileWidth = Math.min(cellWidth, cellHeight * maxAspect);
    const tileHeight = Math.min(cellHeight, tileWidth / minAspect);
    const area = tileWidth * tileHeight;
    const better = area >= largestArea * threshold;
    largestArea = Math.max(largestArea, area);
    if (better) {
      best = { columns, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileHeight) };
    }
  }
  return best;
}
