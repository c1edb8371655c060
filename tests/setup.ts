// Shared test set-up: nothing global yet beyond making stray network calls obvious.
process.env.CONCORD_SAMPLE ??= '0'
