import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { inTransaction } from '../../db/tx.ts';
import { systemActor } from '../../context.ts';
import { recordAudit } from '../audit/repository.ts';
import { hashPassword, randomPassword } from './passwords.ts';
import * as repo from './repository.ts';

/**
 * First start: when no user exists, create `admin` from ADMIN_PASSWORD, or with a random one-time password that
 * is printed once and must be changed at first login.
 */
export async function ensureFirstAdmin(db: Db, config: Config, announce: (text: string) => void): Promise<void> {
  if ((await repo.countUsers(db)) > 0) return;
  const given = config.adminPassword;
  const password = given ?? randomPassword();
  const passwordHash = await hashPassword(password);
  await inTransaction(db, async (tx) => {
    const user = await repo.insertUser(tx, { username: 'admin', passwordHash, role: 'admin', mustChangePassword: !given });
    await recordAudit(tx, { actor: systemActor(), requestId: 'bootstrap' }, { action: 'create', entity: 'user', entityId: user.id, after: { username: 'admin', role: 'admin' } });
  });
  if (!given) {
    announce(
      '\n================================================================\n' +
        ' Tài khoản quản trị đầu tiên / First administrator account\n' +
        `   username: admin\n   password: ${password}\n` +
        ' Mật khẩu chỉ hiện một lần; bạn phải đổi khi đăng nhập lần đầu.\n' +
        ' Shown once only; you must change it at first login.\n' +
        '================================================================\n\n',
    );
  }
}
