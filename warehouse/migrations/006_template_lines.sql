-- The lines template learning removed from each article: with the stored text they give the
-- page's original lines, so later (small) batches still see a learned template line repeat.
ALTER TABLE articles ADD COLUMN template_lines VARCHAR[];
