import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import type { Client } from 'graphql-ws';
import { isUnauthenticated } from './errors';

/** Operations whose UNAUTHENTICATED answer is expected and handled where they are sent. */
const SIGN_IN_OPERATIONS = new Set(['Login', 'Me', 'ActivateAccount']);

interface ClientOptions {
  /** Called when the session ends under a running page (expired or signed out elsewhere). */
  onSessionLost: () => void;
  /**
   * The WebSocket client for subscriptions (graphql-ws connects lazily, on the first
   * subscription; the browser sends the session cookie). The live streams share it.
   */
  socket: Client;
}

export function graphqlUrl(protocol: 'http' | 'ws'): string {
  const { host, protocol: pageProtocol } = window.location;
  const secure = pageProtocol === 'https:';
  return `${protocol}${secure ? 's' : ''}://${host}/graphql`;
}

function isSubscription(operation: ApolloLink.Operation): boolean {
  const definition = getMainDefinition(operation.query);
  return (
    definition.kind === Kind.OPERATION_DEFINITION &&
    definition.operation === OperationTypeNode.SUBSCRIPTION
  );
}

export function createApolloClient({ onSessionLost, socket }: ClientOptions): ApolloClient {
  const http = new HttpLink({
    uri: '/graphql',
    credentials: 'same-origin',
    // Apollo Server's CSRF prevention accepts requests that could not be simple cross-site ones.
    headers: { 'apollo-require-preflight': 'true' },
  });
  const ws = new GraphQLWsLink(socket);
  const sessionWatch = new ErrorLink(({ error, operation }) => {
    if (!SIGN_IN_OPERATIONS.has(operation.operationName ?? '') && isUnauthenticated(error)) {
      onSessionLost();
    }
  });

  return new ApolloClient({
    link: ApolloLink.from([sessionWatch, ApolloLink.split(isSubscription, ws, http)]),
    cache: createCache(),
  });
}

/** The normalized cache with the types whose identity is not their `id` alone. */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Viewer: { keyFields: ['userId'] },
      GradingSettings: { merge: true },
      // A pupil's absence counts in a class summary belong to one period: never share them.
      SummaryPupil: { keyFields: false },
      // A remote task's tick and work are one pupil's: twins (or a teacher's view) never share
      // them. The work's files are replaced as a whole by the tick's answer.
      RemoteTask: { keyFields: ['id', 'pupilId'], fields: { attachments: { merge: false } } },
    },
  });
}
