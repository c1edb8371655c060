CREATE TABLE `recode_queue` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`codebook_id` integer NOT NULL,
	`commit_id` integer NOT NULL,
	`codebook_version_id` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`done_at` text,
	FOREIGN KEY (`codebook_id`) REFERENCES `codebooks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`commit_id`) REFERENCES `commits`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`codebook_version_id`) REFERENCES `codebook_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recode_queue_codebook_idx` ON `recode_queue` (`codebook_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `recode_queue_codebook_version_id_commit_id_unique` ON `recode_queue` (`codebook_version_id`,`commit_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`message` text DEFAULT '' NOT NULL,
	`error` text,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`result` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`started_at` text,
	`updated_at` text,
	`finished_at` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jobs_project_idx` ON `jobs` (`project_id`,`id`);--> statement-breakpoint
CREATE TABLE `family_link_proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`github_repository_id` integer NOT NULL,
	`huggingface_repository_id` integer NOT NULL,
	`found_in` text NOT NULL,
	`evidence` text NOT NULL,
	`family_id` integer,
	`status` text DEFAULT 'proposed' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`decided_at` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`github_repository_id`) REFERENCES `repositories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`huggingface_repository_id`) REFERENCES `repositories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`family_id`) REFERENCES `families`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `family_link_proposals_project_idx` ON `family_link_proposals` (`project_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `family_link_proposals_github_repository_id_huggingface_repository_id_found_in_unique` ON `family_link_proposals` (`github_repository_id`,`huggingface_repository_id`,`found_in`);--> statement-breakpoint
CREATE TABLE `llm_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`model` text NOT NULL,
	`prompt_version` text NOT NULL,
	`answer` text NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
