import { parseCommandArgs, positionals } from '../args';
import type { CliCommand, CliIo, CommandOutput } from '../io';
import { runGroup } from '../run';

const GROUP = 'tokens';

async function revoke(io: CliIo, args: string[]): Promise<CommandOutput> {
  const [ref] = positionals(parseCommandArgs(args, {}, GROUP).positionals, ['user'], GROUP);
  const { withServices, openServices, findUser, revokeAllTokens, describeUser } = {
    ...(await import('../accounts')),
    ...(await import('../context')),
    ...(await import('../../services/tokens')),
  };
  return withServices(openServices(io, 'write'), async (ctx) => {
    const user = await findUser(ctx, ref!);
    const { tokenVersion } = await revokeAllTokens(ctx, user);
    return {
      text: `Revoked every token of ${describeUser(user)}; their sessions stay open.`,
      json: { user: { id: user.id, username: user.username }, tokenVersion },
    };
  });
}

export const runTokens: CliCommand = (args, io) => runGroup(io, args, GROUP, { revoke });
