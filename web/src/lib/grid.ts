/** How the video grid is cut: columns × rows and the size of one tile in CSS pixels. */
export interface GridLayout {
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/**
 * Picks the column count that makes tiles of the given aspect ratio as large as possible in the
 * container, so 2 tiles sit side by side on a laptop but stack on a phone, 3–4 make 2×2, 5–9 make 3×3.
 */
export function gridLayout(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): GridLayout {
  const tiles = Math.max(1, Math.floor(count));
  const usableWidth = Math.max(1, width);
  const usableHeight = Math.max(1, height);
  let best: GridLayout = { columns: 1, rows: tiles, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= tiles; columns++) {
    const rows = Math.ceil(tiles / columns);
    // A column count that leaves a whole empty row is never better than one fewer column.
    if (columns > 1 && Math.ceil(tiles / (columns - 1)) === rows) continue;
    const cellWidth = (usableWidth - gap * (columns - 1)) / columns;
    const cellHeight = (usableHeight - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const tileWidth = Math.min(cellWidth, cellHeight * aspect);
    if (tileWidth > best.tileWidth + 0.5) {
      best = { columns, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileWidth / aspect) };
    }
  }
  return best;
}
