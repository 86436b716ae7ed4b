import { useEffect, useId, useState } from 'react';
import { get, request, withQuery } from '../api/client';
import type { DeadLetter, OpsStatus } from '../api/types';
import { Action } from '../components/ActionDialog';
import { LoadError } from '../components/LoadError';
import { useConsole } from '../session';
import { usePageTitle } from '../usePageTitle';
import { useResource } from '../useResource';

/** Backlogs, lag and dead letters move on their own (a replay is consumed a moment later): the page reads them again. */
const REFRESH_MS = 5_000;

const topicPath = (topic: string, rest: string) => `/api/ops/dead-letters/${encodeURIComponent(topic)}/${rest}`;

function age(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export function OperationsPage() {
  usePageTitle('Operations');
  const { canWrite, announce } = useConsole();
  const status = useResource(() => get<OpsStatus>('/api/ops/status'), []);
  const [peeked, setPeeked] = useState<string | null>(null);
  const { reload } = status;
  useEffect(() => {
    const timer = window.setInterval(() => document.visibilityState === 'visible' && reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  const servicesId = useId();
  const consumersId = useId();
  const deadLettersId = useId();

  return (
    <>
      <div className="section-head">
        <h1>Operations</h1>
        <button type="button" className="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="muted">Read again every {REFRESH_MS / 1000} seconds.</p>
      {status.error && <LoadError what="the platform's status" error={status.error} retry={status.reload} />}
      {status.data && (
        <>
          {status.data.kafkaError && (
            <p className="form-error" role="alert">
              Kafka did not answer ({status.data.kafkaError}): consumer lag and dead letters are unknown.
            </p>
          )}
          <section aria-labelledby={servicesId}>
            <h2 id={servicesId}>Services</h2>
            <div className="table-scroll">
              <table aria-label="Services">
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">URL</th>
                    <th scope="col">Ready</th>
                    <th scope="col" className="num">
                      Outbox backlog
                    </th>
                    <th scope="col" className="num">
                      Oldest unsent
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {status.data.services.map((service) => (
                    <tr key={service.name}>
                      <th scope="row">{service.name}</th>
                      <td className="mono">{service.url}</td>
                      <td>
                        <span className={`badge ${service.ready ? 'badge-ready' : 'badge-down'}`}>{service.ready ? 'ready' : 'not ready'}</span>
                      </td>
                      <td className="num">{service.outbox ? service.outbox.rows : '—'}</td>
                      <td className="num">{service.outbox ? age(service.outbox.oldestAgeSeconds) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby={consumersId}>
            <h2 id={consumersId}>Consumer lag</h2>
            <div className="table-scroll">
              <table aria-label="Consumer lag">
                <thead>
                  <tr>
                    <th scope="col">Consumer group</th>
                    <th scope="col">Topic</th>
                    <th scope="col" className="num">
                      Lag (messages)
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {status.data.consumers.length === 0 ? (
                    <tr>
                      <td colSpan={3} className="muted">
                        No consumer groups.
                      </td>
                    </tr>
                  ) : (
                    status.data.consumers.map((consumer) => (
                      <tr key={`${consumer.groupId} ${consumer.topic}`}>
                        <td>{consumer.groupId}</td>
                        <td className="mono">{consumer.topic}</td>
                        <td className="num">{consumer.lag}</td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          </section>

          <section aria-labelledby={deadLettersId}>
            <h2 id={deadLettersId}>Dead letters</h2>
            <div className="table-scroll">
              <table aria-label="Dead-letter topics">
                <thead>
                  <tr>
                    <th scope="col">Topic</th>
                    <th scope="col" className="num">
                      Messages
                    </th>
                    <th scope="col" className="num">
                      Not replayed
                    </th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {status.data.deadLetters.length === 0 ? (
                    <tr>
                      <td colSpan={4} className="muted">
                        No dead-letter topics.
                      </td>
                    </tr>
                  ) : (
                    status.data.deadLetters.map((deadLetters) => (
                      <tr key={deadLetters.topic}>
                        <th scope="row" className="mono">
                          {deadLetters.topic}
                        </th>
                        <td className="num">{deadLetters.messages}</td>
                        <td className="num">{deadLetters.pending}</td>
                        <td>
                          <div className="row-actions">
                            <button
                              type="button"
                              className="secondary small"
                              aria-pressed={peeked === deadLetters.topic}
                              onClick={() => setPeeked(peeked === deadLetters.topic ? null : deadLetters.topic)}
                            >
                              Peek
                            </button>
                            {canWrite && (
                              <Action
                                label="Replay"
                                title={`Replay ${deadLetters.topic}`}
                                buttonClass="small"
                                announce={announce}
                                onDone={status.reload}
                                submit={async (_form, opening) => {
                                  const answer = await request<{ replayed: number }>(topicPath(deadLetters.topic, 'replay'), {
                                    method: 'POST',
                                    body: {},
                                    idempotencyKey: opening.idempotencyKey,
                                  });
                                  return `Replayed ${answer.replayed} message${answer.replayed === 1 ? '' : 's'} of ${deadLetters.topic}.`;
                                }}
                              >
                                <p>
                                  Publishes the {deadLetters.pending} message{deadLetters.pending === 1 ? '' : 's'} not yet replayed back to their
                                  original topics, as <code>npm run dlq</code> does. Consumers that failed on them will try again.
                                </p>
                              </Action>
                            )}
                          </div>
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
            {peeked && <DeadLetterMessages topic={peeked} />}
          </section>
        </>
      )}
    </>
  );
}

function DeadLetterMessages({ topic }: { topic: string }) {
  const headingId = useId();
  const messages = useResource(() => get<{ data: DeadLetter[] }>(withQuery(topicPath(topic, 'messages'), { limit: 20 })), [topic]);
  return (
    <section aria-labelledby={headingId} className="peek">
      <h3 id={headingId}>Messages in {topic}</h3>
      {messages.error ? (
        <LoadError what={`the messages of ${topic}`} error={messages.error} retry={messages.reload} />
      ) : !messages.data ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="table-scroll">
          <table aria-label={`Messages in ${topic}`}>
            <thead>
              <tr>
                <th scope="col">Partition / offset</th>
                <th scope="col">Event</th>
                <th scope="col">From topic</th>
                <th scope="col">Error</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Payload</th>
              </tr>
            </thead>
            <tbody>
              {messages.data.data.length === 0 ? (
                <tr>
                  <td colSpan={6} className="muted">
                    No messages.
                  </td>
                </tr>
              ) : (
                messages.data.data.map((message) => (
                  <tr key={`${message.partition}:${message.offset}`}>
                    <td className="mono">
                      {message.partition} / {message.offset}
                    </td>
                    <td>
                      {message.eventType ?? '—'}
                      <br />
                      <span className="mono muted">{message.eventId ?? ''}</span>
                    </td>
                    <td className="mono">{message.originalTopic ?? '—'}</td>
                    <td>{message.error ?? '—'}</td>
                    <td className="num">{message.attempts ?? '—'}</td>
                    <td>
                      <details>
                        <summary>Show payload</summary>
                        {message.payloadError ? <p className="muted">Not decodable: {message.payloadError}</p> : <pre>{JSON.stringify(message.payload, null, 2)}</pre>}
                      </details>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
