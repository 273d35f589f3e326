// HTTP API of backups and exports: GET /api/export (a JSON document of what people made), POST /api/import (the same
// document back, all or nothing), POST /api/backup (a consistent copy of the database now), GET /api/backups.
// Importing and backing up are for admins: an import deploys flows and replaces rules.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BackupService } from '../../core/backup';
import { UnavailableError } from '../../errors';
import { buildExport, type ExportHost, FlowsNotDeployed, importDocument } from '../export';

export interface BackupRoutesHost extends ExportHost {
  http: { app: FastifyInstance };
  /** Null where no backup part runs (tests that start the API alone). */
  backups: BackupService | null;
}

function adminOnly(req: FastifyRequest, reply: FastifyReply): boolean {
  if (req.identity?.admin) return true;
  void reply.code(403).send({ error: 'forbidden: only an administrator may do this' });
  return false;
}

export function registerBackupRoutes(host: BackupRoutesHost): void {
  const app = host.http.app;

  app.get('/api/export', async (req, reply) => {
    if (!adminOnly(req, reply)) return reply;
    const doc = buildExport(host);
    const day = new Date(doc.exported_ts * 1000).toISOString().slice(0, 10);
    return reply.header('content-disposition', `attachment; filename="butler-export-${day}.json"`).send(doc);
  });

  app.post('/api/import', { bodyLimit: 64 * 1024 * 1024 }, async (req, reply) => {
    if (!adminOnly(req, reply)) return reply;
    try {
      return { imported: await importDocument(host, req.body, req.identity!.user) };
    } catch (err) {
      if (err instanceof FlowsNotDeployed) return reply.code(500).send({ error: err.message, imported: err.summary });
      throw err;
    }
  });

  const backups = (): BackupService => {
    if (!host.backups) throw new UnavailableError('backups are not running');
    return host.backups;
  };
  app.post('/api/backup', async (req, reply) => {
    if (!adminOnly(req, reply)) return reply;
    const svc = backups();
    try {
      return reply.code(201).send({ backup: await svc.backupNow() });
    } catch (err) {
      throw new UnavailableError((err as Error).message);
    }
  });
  app.get('/api/backups', async () => ({ backups: backups().list() }));
}
