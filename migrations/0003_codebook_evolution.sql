CREATE TABLE `label_code_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`codebook_version_id` integer NOT NULL,
	`operation` text NOT NULL,
	`label_id` integer,
	`final_code_id` integer,
	`commit_id` integer NOT NULL,
	`rater_id` integer,
	`from_code_id` integer NOT NULL,
	`to_code_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`codebook_version_id`) REFERENCES `codebook_versions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`label_id`) REFERENCES `labels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`final_code_id`) REFERENCES `final_codes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`commit_id`) REFERENCES `commits`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rater_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_code_id`) REFERENCES `codes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_code_id`) REFERENCES `codes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `label_code_changes_version_idx` ON `label_code_changes` (`codebook_version_id`);--> statement-breakpoint
CREATE INDEX `label_code_changes_label_idx` ON `label_code_changes` (`label_id`);--> statement-breakpoint
ALTER TABLE `codes` ADD `guid` text;--> statement-breakpoint
ALTER TABLE `codes` ADD `examples` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `codes_codebook_guid_idx` ON `codes` (`codebook_id`,`guid`);