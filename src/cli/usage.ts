// Help texts, kept apart from the commands so `hangar help` loads no database code.

export const GROUP_USAGE: Record<string, string> = {
  user: `Usage:
  hangar user create <username> [--email <email>] [--first-name <name>] [--last-name <name>]
      Create an account. The password is read from a prompt, or from stdin when it is piped.
  hangar user password <user>
      Set a new password (prompt or stdin) and end all their sessions and tokens.
  hangar user delete <user> [--yes]
      Delete the account, its sessions and tokens; its ships stay, without an owner.
      Asks for confirmation unless --yes (required when stdin is not a terminal).

<user> is a username or an email address, or the numeric id when no username matches.`,
  sessions: `Usage:
  hangar sessions list <user>
      The user's live sessions: id, when opened, when they expire.
  hangar sessions revoke <user> <session-id>
  hangar sessions revoke <user> --all
      End one session, or all of them, and every token minted from them.`,
  tokens: `Usage:
  hangar tokens revoke <user>
      End every JWT the user holds (access and refresh, on every API). Sessions stay open.`,
  purge: `Usage:
  hangar purge
      Delete expired sessions, expired revocation entries and throttle rows with no attempt left
      in the window. Safe while servers run.`,
  status: `Usage:
  hangar status
      Applied and pending migrations, and account counts. Exit 3 while migrations are pending.
      Never migrates.`,
  migrate: `Usage:
  hangar migrate
      Apply pending migrations (what npm run db:migrate does).`,
};

export const OPTIONS_USAGE = `Options for every command:
  --json               print one JSON document on stdout (errors too: {"error": {"code", "message"}})
  --database <url>     use this database instead of DATABASE_URL
  -h, --help           show the command's usage

Exit codes: 0 ok, 1 not found, 2 usage error, 3 migrations pending, 4 invalid input,
5 already exists, 6 not confirmed, 7 configuration or database error, 70 unexpected error.`;
