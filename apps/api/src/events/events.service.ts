import { Injectable } from '@nestjs/common';
import type { Principal } from '../common/principal';
import { visibleTo } from '../common/access';
import { Page, positionCursor, toPage } from '../common/pagination';
import type { Event } from '../database/database';
import { EventDto, ListEventsQueryDto, mapEvent } from './dto/event.dto';
import { EventFilter, EventsRepository } from './events.repository';

const cursors = positionCursor((event: Event) => event.position);

/**
 * Whose events a principal sees: the refunds they see (`visibleTo`); merchants, who do not see
 * support cases, only the refunds' own events.
 */
function visibleEvents(principal: Principal): EventFilter {
  return {
    ...visibleTo(principal),
    ...(principal.role === 'merchant' ? { typePrefix: 'refund.' } : {}),
  };
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
