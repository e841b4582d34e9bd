import { parseCommandArgs, positionals } from '../args';
import type { CliCommand } from '../io';
import { report, usageOutput, wantsHelp } from '../run';

export const runPurge: CliCommand = (args, io) =>
  report(io, args, async () => {
    if (wantsHelp(args)) return usageOutput('purge');
    positionals(parseCommandArgs(args, {}, 'purge').positionals, [], 'purge');
    const { withServices, openServices, purgeExpired } = {
      ...(await import('../accounts')),
      ...(await import('../context')),
      ...(await import('../../services/purge')),
    };
    return withServices(openServices(io, 'write'), async (ctx) => {
      const purged = await purgeExpired(ctx);
      return {
        text: `Purged ${purged.sessions} expired session(s), ${purged.revocations} expired revocation(s), ${purged.throttleRows} stale throttle row(s).`,
        json: { purged },
      };
    });
  });
