import { parseCommandArgs, positionals } from '../args';
import { CliError, EXIT, usageError, type CliCommand, type CliIo, type CommandOutput } from '../io';
import { ask, readNewPassword } from '../password';
import { runGroup, type Subcommands } from '../run';

const GROUP = 'user';

// Loaded once the arguments are known to be good, so usage errors answer without the ORM.
const load = async () => ({ ...(await import('../accounts')), ...(await import('../context')), ...(await import('../../services/users')) });

async function create(io: CliIo, args: string[]): Promise<CommandOutput> {
  const { values, positionals: rest } = parseCommandArgs(
    args,
    { email: { type: 'string' }, 'first-name': { type: 'string' }, 'last-name': { type: 'string' } },
    GROUP,
  );
  const [username] = positionals(rest, ['username'], GROUP);
  const { withServices, openServices, registerUser, describeUser, userJson } = await load();
  return withServices(openServices(io, 'write'), async (ctx) => {
    const password = await readNewPassword(io, username!);
    const user = await registerUser(ctx, {
      username: username!,
      password,
      email: values.email ?? null,
      firstName: values['first-name'] ?? null,
      lastName: values['last-name'] ?? null,
    });
    return { text: `Created user ${describeUser(user)}.`, json: { user: userJson(user) } };
  });
}

async function password(io: CliIo, args: string[]): Promise<CommandOutput> {
  const [ref] = positionals(parseCommandArgs(args, {}, GROUP).positionals, ['user'], GROUP);
  const { withServices, openServices, findUser, updateUser, describeUser, userJson } = await load();
  return withServices(openServices(io, 'write'), async (ctx) => {
    // Looked up first, so a typo is reported before anyone types a password.
    const user = await findUser(ctx, ref!);
    await updateUser(ctx, user, { password: await readNewPassword(io, user.username) });
    return {
      text: `Password changed for ${describeUser(user)}; all their sessions and tokens were ended.`,
      json: { user: userJson(user), passwordChanged: true },
    };
  });
}

async function remove(io: CliIo, args: string[]): Promise<CommandOutput> {
  const { values, positionals: rest } = parseCommandArgs(args, { yes: { type: 'boolean', short: 'y' } }, GROUP);
  const [ref] = positionals(rest, ['user'], GROUP);
  const { withServices, openServices, findUser, deleteUser, describeUser, userJson } = await load();
  return withServices(openServices(io, 'write'), async (ctx) => {
    const user = await findUser(ctx, ref!);
    if (!values.yes) {
      if (!io.stdin.isTTY) throw usageError(`not deleting ${describeUser(user)} without --yes (stdin is not a terminal)`, GROUP);
      const answer = await ask(io, `Delete ${describeUser(user)}, their sessions and tokens? Type the username to confirm: `);
      if (answer !== user.username) throw new CliError(EXIT.aborted, 'aborted', 'not confirmed; nothing was deleted');
    }
    const gone = userJson(user);
    await deleteUser(ctx, user);
    return { text: `Deleted user ${describeUser(user)}.`, json: { deleted: gone } };
  });
}

const SUBCOMMANDS: Subcommands = { create, password, delete: remove };

export const runUser: CliCommand = (args, io) => runGroup(io, args, GROUP, SUBCOMMANDS);
