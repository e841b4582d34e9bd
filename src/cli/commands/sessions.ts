import { parseCommandArgs, positionals } from '../args';
import { usageError, type CliCommand, type CliIo, type CommandOutput } from '../io';
import { runGroup } from '../run';

const GROUP = 'sessions';

// Loaded once the arguments are known to be good, so usage errors answer without the ORM.
const load = async () => ({ ...(await import('../accounts')), ...(await import('../context')), ...(await import('../../services/sessions')) });

const brief = (user: { id: number; username: string }) => ({ id: user.id, username: user.username });

async function list(io: CliIo, args: string[]): Promise<CommandOutput> {
  const [ref] = positionals(parseCommandArgs(args, {}, GROUP).positionals, ['user'], GROUP);
  const { withServices, openServices, findUser, listSessions, describeUser } = await load();
  return withServices(openServices(io, 'read'), async (ctx) => {
    const user = await findUser(ctx, ref!);
    const sessions = (await listSessions(ctx, user)).map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      expiresAt: session.expiresAt?.toISOString() ?? null,
    }));
    const rows = sessions.map((s) => `${String(s.id).padEnd(8)}${s.createdAt.padEnd(26)}${s.expiresAt ?? 'never'}`);
    const text = sessions.length === 0 ? `${describeUser(user)} has no live sessions.` : [`${'ID'.padEnd(8)}${'OPENED'.padEnd(26)}EXPIRES`, ...rows].join('\n');
    return { text, json: { user: brief(user), sessions } };
  });
}

async function revoke(io: CliIo, args: string[]): Promise<CommandOutput> {
  const { values, positionals: rest } = parseCommandArgs(args, { all: { type: 'boolean' } }, GROUP);
  if (values.all && rest.length > 1) throw usageError('give a session id or --all, not both', GROUP);
  const [ref, id] = values.all ? positionals(rest, ['user'], GROUP) : positionals(rest, ['user', 'session-id'], GROUP);
  if (!values.all && !/^[1-9]\d{0,15}$/.test(id!)) throw usageError(`session id must be a positive integer (from hangar sessions list), got "${id}"`, GROUP);
  const { withServices, openServices, findUser, revokeSessions, describeUser } = await load();
  return withServices(openServices(io, 'write'), async (ctx) => {
    const user = await findUser(ctx, ref!);
    const revoked = await revokeSessions(ctx, user, values.all ? null : Number(id));
    return { text: `Revoked ${revoked} session(s) of ${describeUser(user)}.`, json: { user: brief(user), revoked } };
  });
}

export const runSessions: CliCommand = (args, io) => runGroup(io, args, GROUP, { list, revoke });
