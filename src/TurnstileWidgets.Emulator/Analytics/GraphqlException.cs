using System;
using System.Collections.Generic;
using GraphQLParser.AST;

namespace TurnstileWidgets.Emulator.Analytics
{
    /// <summary>
    /// One GraphQL error as Cloudflare words it; answered as <c>{"data": null, "errors": [...]}</c> with HTTP 200.
    /// The runner fills in the path and the location of the field being answered when the error was found.
    /// </summary>
    internal sealed class GraphqlException : Exception
    {
        /// <summary>Cloudflare's wording when a credential's GraphQL budget is spent.</summary>
        public const string BudgetDepletedMessage = "rate limiter budget depleted, try again after 5 minutes";

        public GraphqlException(string message, string? code = null, int documentedStatus = 400)
            : base(message)
        {
            Code = code;
            DocumentedStatus = documentedStatus;
        }

        /// <summary>
        /// The HTTP status Cloudflare's errors page lists for this kind of error (400 query and limits, 403 account, 429
        /// budget); answered only with --graphql-error-status documented, otherwise every GraphQL error is HTTP 200.
        /// </summary>
        public int DocumentedStatus { get; }

        /// <summary>The response keys from the root to the field, the account index as a string; null for request-wide errors.</summary>
        public IReadOnlyList<string>? Path { get; set; }

        /// <summary>Where in the query text (line, column; 1-based) the field or syntax error is.</summary>
        public (int Line, int Column)? Location { get; set; }

        /// <summary>The node to locate, when the location is not known yet (resolved against the query text by the runner).</summary>
        public ASTNode? Node { get; set; }

        /// <summary><c>extensions.code</c>, e.g. "authz"; null when Cloudflare sends none.</summary>
        public string? Code { get; }

        public static GraphqlException UnknownField(string name, ASTNode node) => new($"unknown field \"{name}\"") { Node = node };

        public static GraphqlException NotRecorded(string name) =>
            new($"the emulator does not record \"{name}\"; it serves {AnalyticsSchema.RecordedList}");

        public static GraphqlException Args(string what) => new("error parsing args: " + what);
    }
}
