CREATE TABLE `labeling_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`commit_id` integer NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `labeling_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`commit_id`) REFERENCES `commits`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `labeling_failures_run_idx` ON `labeling_failures` (`run_id`);--> statement-breakpoint
ALTER TABLE `labeling_runs` ADD `cost_usd` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `labeling_runs` ADD `context` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `labeling_runs` ADD `job_id` integer REFERENCES jobs(id);