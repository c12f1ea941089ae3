-- The length of each version's text, stored at load: article_history would otherwise read every
-- stored text (2 s over a million versions) just to measure it.
ALTER TABLE article_versions ADD COLUMN text_chars INTEGER;
UPDATE article_versions SET text_chars = length(text);
