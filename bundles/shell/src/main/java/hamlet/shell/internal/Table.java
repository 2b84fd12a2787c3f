package hamlet.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: columns padded to their widest cell, two spaces apart, the last column unpadded. Built and
 * printed by one thread.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** @param headers the column titles */
    Table(final String... headers) {
        this.columns = headers.length;
        rows.add(headers.clone());
    }

    /**
     * @param cells one cell per column; {@code null} is shown as {@code -}
     * @return this table
     */
    Table row(final Object... cells) {
        final String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            final Object cell = i < cells.length ? cells[i] : null;
            row[i] = cell == null ? "-" : String.valueOf(cell);
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        final int[] widths = new int[columns];
        for (final String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        final StringBuilder text = new StringBuilder();
        for (final String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                text.append(row[i]);
                if (i < columns - 1) {
                    text.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            text.append('\n');
        }
        return text.toString();
    }
}
