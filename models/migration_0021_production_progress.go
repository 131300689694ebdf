package models

// Migration 0021_production_progress: how far a group's making of a
// production order went. status keeps saying whether the production
// order stands (open) or not (cancelled); progress says, while it stands,
// whether the group was only asked (ordered), started (in_production) or
// delivered the pieces (ready), with the day of each step. A new column
// rather than new status values: SQLite cannot change the status CHECK
// without rebuilding a table that advances and lines reference.
const schemaProductionProgress = `
ALTER TABLE production_orders ADD COLUMN progress VARCHAR(16) NOT NULL DEFAULT 'ordered' CHECK (progress IN ('ordered','in_production','ready'));
ALTER TABLE production_orders ADD COLUMN started_at {{ts}};
ALTER TABLE production_orders ADD COLUMN ready_at {{ts}};
`
