import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { Page, positionCursor, toPage } from '../common/pagination';
import type { Event } from '../generated/prisma/client';
import { EventDto, ListEventsQueryDto, mapEvent } from './dto/event.dto';
import { EventFilter, EventsRepository } from './events.repository';

const cursors = positionCursor((event: Event) => event.position);

/** Whose events a principal sees: a customer's own, a merchant's own refunds', everything for agents and the system. */
function visibleEvents(principal: Principal): EventFilter {
  switch (principal.role) {
    case 'customer':
      return { customerId: principal.id };
    case 'merchant':
      // Merchants do not see support cases, so neither do they see their events.
      return { merchantId: principal.id, typePrefix: 'refund.' };
    case 'agent':
    case 'system':
      return {};
  }
}

@Injectable()
export class EventsService {
  constructor(private readonly events: EventsRepository) {}

  async list(principal: Principal, query: ListEventsQueryDto): Promise<Page<EventDto>> {
    const rows = await this.events.list(
      { ...visibleEvents(principal), type: query.type },
      query.limit + 1,
      query.cursor ? cursors.decode(query.cursor) : undefined,
    );
    return toPage(rows, query.limit, cursors.encode, mapEvent);
  }
}
