import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { Principal } from '../common/principal';
import { UUID } from '../common/ids';
import {
  newestFirstCursor,
  Page,
  PaginationQueryDto,
  positionCursor,
  toPage,
} from '../common/pagination';
import { AppConfig } from '../config/app-config';
import type {
  KyselyTransactionalAdapter,
  WebhookDelivery,
  WebhookEndpoint,
} from '../database/database';
import { AppError, notFound } from '../errors/app-error';
import { AppLogger } from '../logging/app-logger';
import { mapDelivery, WebhookDeliveryDto } from './dto/webhook-delivery.dto';
import {
  CreatedWebhookEndpointDto,
  CreateWebhookEndpointDto,
  mapEndpoint,
  WebhookEndpointDto,
} from './dto/webhook-endpoint.dto';
import { hostOf, resolvedAddressProblem, urlProblem } from './safe-url';
import {
  openSecret,
  sealSecret,
  secretKeyId,
  secretKeys,
  UnreadableSecretError,
} from './secret-box';
import { newSigningSecret } from './signature';
import { WebhooksRepository } from './webhooks.repository';

const cursors = newestFirstCursor(UUID);
const deliveryCursors = positionCursor((row: WebhookDelivery) => row.eventPosition);

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', 'The request is invalid.', [{ field, message }]);

/**
 * Webhook endpoints: merchants manage their own, the system role all of them. Each change is one
 * unit of work (`txHost.withTransaction`).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly txHost: TransactionHost<KyselyTransactionalAdapter>,
  ) {}

  async create(
    principal: Principal,
    dto: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointDto> {
    // `*` is fine for a merchant: it means every type a merchant may receive (refund.*).
    const notRefund = (type: string) => type !== '*' && !type.startsWith('refund.');
    if (principal.role === 'merchant' && dto.events.some(notRefund)) {
      throw invalid('events', 'merchants receive refund.* events only (cases are not theirs)');
    }
    await this.checkUrl(principal, dto.url);
    const secret = newSigningSecret();
    return this.txHost.withTransaction(async () => {
      const endpoint = await this.webhooks.createEndpoint({
        ownerRole: principal.role,
        ownerId: principal.id,
        url: new URL(dto.url).href,
        events: dto.events,
        secret: sealSecret(secret, this.config.webhookSecretKey),
      });
      // A keyed request's answer is recorded without the secret (shown once: @NotReplayed).
      return { ...mapEndpoint(endpoint), secret };
    });
  }

  /**
   * A new signing secret, shown this once; the one it replaces keeps signing beside it for 24
   * hours (a second rotation in that time drops the oldest).
   */
  async rotateSecret(principal: Principal, id: string): Promise<CreatedWebhookEndpointDto> {
    const secret = newSigningSecret();
    return this.txHost.withTransaction(async () => {
      const endpoint = await this.findVisible(principal, id);
      const rotated = await this.webhooks.rotateSecret(
        endpoint.id,
        sealSecret(secret, this.config.webhookSecretKey),
      );
      if (!rotated) throw notFound('Webhook endpoint');
      return { ...mapEndpoint(rotated), secret };
    });
  }

  /**
   * Seals with WEBHOOK_SECRET_KEY every stored secret it did not seal: plain ones kept from
   * before the key was set, and those of WEBHOOK_SECRET_KEY_PREVIOUS. Run at start-up; each row
   * is one conditional write, so instances starting together, or a rotation meanwhile, are safe.
   */
  async sealStoredSecrets(): Promise<number> {
    const key = this.config.webhookSecretKey;
    if (!key) return 0;
    const keys = secretKeys(this.config);
    const reseal = (stored: string) => sealSecret(openSecret(stored, keys), key);
    let sealed = 0;
    for (const row of await this.webhooks.listSecretsNotSealedWith(secretKeyId(key))) {
      try {
        const resealed = {
          id: row.id,
          secret: reseal(row.secret),
          previousSecret: row.previousSecret === null ? null : reseal(row.previousSecret),
        };
        if (await this.webhooks.replaceStoredSecrets(row, resealed)) sealed++;
      } catch (error) {
        if (!(error instanceof UnreadableSecretError)) throw error;
        this.logger.error(
          { endpointId: row.id, keyId: error.keyId },
          `webhook secret left as it is: ${error.message}`,
        );
      }
    }
    return sealed;
  }

  async list(principal: Principal, query: PaginationQueryDto): Promise<Page<WebhookEndpointDto>> {
    const rows = await this.webhooks.listEndpoints(
      principal.role === 'system'
        ? undefined
        : { ownerRole: principal.role, ownerId: principal.id },
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, cursors.encode, mapEndpoint);
  }

  async get(principal: Principal, id: string): Promise<WebhookEndpointDto> {
    return mapEndpoint(await this.findVisible(principal, id));
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const endpoint = await this.findVisible(principal, id);
      if (!(await this.webhooks.deleteEndpoint(endpoint.id))) throw notFound('Webhook endpoint');
    });
  }

  async deliveries(
    principal: Principal,
    id: string,
    query: PaginationQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    const endpoint = await this.findVisible(principal, id);
    const rows = await this.webhooks.listDeliveries(
      endpoint.id,
      query.limit + 1,
      query.cursor ? deliveryCursors.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, deliveryCursors.encode, mapDelivery);
  }

  /** Sends a FAILED delivery again, with a new retry window; 409 for any other status. */
  async retry(principal: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.txHost.withTransaction(async () => {
      const endpoint = await this.findVisible(principal, id);
      const delivery = UUID.test(deliveryId)
        ? await this.webhooks.findDelivery(endpoint.id, deliveryId)
        : undefined;
      if (!delivery) throw notFound('Delivery');
      if (!(await this.webhooks.requeueFailed(delivery.id))) {
        throw new AppError(
          'INVALID_TRANSITION',
          `Only a FAILED delivery can be retried; this one is ${delivery.status}.`,
        );
      }
      const requeued = await this.webhooks.findDelivery(endpoint.id, delivery.id);
      if (!requeued) throw notFound('Delivery');
      return mapDelivery(requeued);
    });
  }

  /** 400 for a URL webhooks must not reach; the address a name resolved to is logged, not told. */
  private async checkUrl(principal: Principal, url: string): Promise<void> {
    const allowPrivate = this.config.webhookAllowPrivateUrls;
    const problem = urlProblem(url, allowPrivate);
    if (problem) throw invalid('url', problem);
    if (allowPrivate) return;
    const host = hostOf(new URL(url));
    const resolved = await resolvedAddressProblem(host);
    if (!resolved) return;
    if (resolved.address) {
      // The host only: a URL's path or query may carry the receiver's own token.
      this.logger.warn(
        { owner: { role: principal.role, id: principal.id }, host, address: resolved.address },
        'webhook URL refused: its host resolves to a non-public address',
      );
    }
    throw invalid('url', resolved.message);
  }

  /** The endpoint if the caller manages it (its owner, or the system role); 404 otherwise. */
  private async findVisible(principal: Principal, id: string): Promise<WebhookEndpoint> {
    const endpoint = UUID.test(id) ? await this.webhooks.findEndpoint(id) : undefined;
    const mine =
      endpoint &&
      (principal.role === 'system' ||
        (endpoint.ownerRole === principal.role && endpoint.ownerId === principal.id));
    if (!endpoint || !mine) throw notFound('Webhook endpoint');
    return endpoint;
  }
}
