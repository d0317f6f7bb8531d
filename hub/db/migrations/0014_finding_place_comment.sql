-- Each finding of a version, as the person who saved it reads it: `place`, where to find it in
-- what was uploaded (the workbook's sheet and cell, e.g. KPIs!E5; null for a GraphQL save,
-- whose `location` is the input path), and for a warning its `comment`, the explanation saved
-- with its line (the workbook's Note column). A warning with a comment needs none on submit.
alter table validation_finding add column place text, add column comment text;
