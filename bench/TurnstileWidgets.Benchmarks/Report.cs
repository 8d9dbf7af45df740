using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TurnstileWidgets.Benchmarks
{
    /// <summary>One measured line of the table: a scenario, one implementation, its runs.</summary>
    internal sealed class ResultRow
    {
        public string Scenario { get; set; } = "";
        public string Variant { get; set; } = "";
        public long? Widgets { get; set; }
        /// <summary>What the values measure: ms, MB or s.</summary>
        public string Unit { get; set; } = "ms";
        public List<double> Values { get; set; } = new List<double>();
        public double? Median => Values.Count == 0 ? null : Stats.Median(Values);
        public double? Min => Values.Count == 0 ? null : Values.Min();
        public double? Max => Values.Count == 0 ? null : Values.Max();
        /// <summary>CPU time the client's process used per run (median), in ms: less sensitive to a busy machine than wall time.</summary>
        public double? CpuMs { get; set; }
        /// <summary>Requests per run, from the emulator's own counters (median over runs).</summary>
        public double? Requests { get; set; }
        /// <summary>Response body bytes read per run (median over runs); null where not measurable.</summary>
        public double? BytesRead { get; set; }
        /// <summary>ok, skipped or error.</summary>
        public string Status { get; set; } = "ok";
        public string? Note { get; set; }
        public SortedDictionary<string, double> Metrics { get; set; } = new SortedDictionary<string, double>(StringComparer.Ordinal);
    }

    /// <summary>A target from the issue: reported, never asserted.</summary>
    internal sealed class TargetResult
    {
        public string Target { get; set; } = "";
        /// <summary>True or false; null when the scenario did not run.</summary>
        public bool? Holds { get; set; }
        public string Detail { get; set; } = "";
    }

    internal sealed class BenchReport
    {
        public string Date { get; set; } = "";
        public string Command { get; set; } = "";
        public SortedDictionary<string, string> Machine { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        public List<ResultRow> Results { get; set; } = new List<ResultRow>();
        public List<TargetResult> Targets { get; set; } = new List<TargetResult>();
        public List<string> Notes { get; set; } = new List<string>();
        public bool Failed { get; set; }
    }

    internal static class Stats
    {
        public static double Median(IReadOnlyCollection<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    internal static class ReportWriter
    {
        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };

        private static readonly string[] Header = { "scenario", "variant", "widgets", "median", "min", "max", "unit", "cpu ms", "requests", "bytes read", "notes" };

        public static string Table(BenchReport report, bool markdown)
        {
            var rows = report.Results.Select(r => new[]
            {
                r.Scenario,
                r.Variant,
                r.Widgets.HasValue ? r.Widgets.Value.ToString("N0", CultureInfo.InvariantCulture) : "",
                Number(r.Median, r.Unit),
                Number(r.Min, r.Unit),
                Number(r.Max, r.Unit),
                r.Status == "ok" ? r.Unit : "",
                Number(r.CpuMs, "ms"),
                r.Requests.HasValue ? r.Requests.Value.ToString("N0", CultureInfo.InvariantCulture) : "",
                r.Status == "ok" ? (r.BytesRead.HasValue ? Bytes(r.BytesRead.Value) : "n/a") : "",
                (r.Status == "ok" ? "" : r.Status.ToUpperInvariant() + ": ") + (r.Note ?? ""),
            }).ToList();

            var text = new StringBuilder();
            if (markdown)
            {
                text.Append("| ").Append(string.Join(" | ", Header)).AppendLine(" |");
                text.Append("|").Append(string.Join("|", Header.Select((h, i) => i >= 2 && i <= 9 && i != 6 ? " ---: " : " --- "))).AppendLine("|");
                foreach (string[] row in rows)
                {
                    text.Append("| ").Append(string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).AppendLine(" |");
                }
                return text.ToString();
            }

            int[] widths = Header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => i == Header.Length - 1 ? 0 : r[i].Length))).ToArray();
            void Line(string[] cells)
            {
                for (int i = 0; i < cells.Length; i++)
                {
                    bool right = i >= 2 && i <= 9 && i != 6;
                    string cell = i == cells.Length - 1 ? cells[i] : right ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
                    text.Append(cell);
                    if (i < cells.Length - 1)
                    {
                        text.Append("  ");
                    }
                }
                text.AppendLine();
            }
            Line(Header);
            Line(widths.Select(w => new string('-', w)).ToArray());
            foreach (string[] row in rows)
            {
                Line(row);
            }
            return text.ToString();
        }

        public static string Targets(BenchReport report, bool markdown)
        {
            var text = new StringBuilder();
            if (markdown)
            {
                text.AppendLine("| target | holds | measured |");
                text.AppendLine("| --- | --- | --- |");
            }
            foreach (TargetResult target in report.Targets)
            {
                string holds = target.Holds == true ? "HOLDS" : target.Holds == false ? "MISSED" : "not run";
                if (markdown)
                {
                    text.Append("| ").Append(target.Target).Append(" | ").Append(holds).Append(" | ").Append(target.Detail.Replace("|", "\\|", StringComparison.Ordinal)).AppendLine(" |");
                }
                else
                {
                    text.Append("  [").Append(holds.PadRight(7)).Append("] ").Append(target.Target).Append(": ").AppendLine(target.Detail);
                }
            }
            return text.ToString();
        }

        public static void WriteJson(BenchReport report, string path)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory != null)
            {
                Directory.CreateDirectory(directory);
            }
            var document = new
            {
                report.Date,
                report.Command,
                report.Machine,
                Results = report.Results.Select(r => new
                {
                    r.Scenario,
                    r.Variant,
                    r.Widgets,
                    r.Unit,
                    r.Median,
                    r.Min,
                    r.Max,
                    Runs = r.Values,
                    r.CpuMs,
                    r.Requests,
                    r.BytesRead,
                    r.Status,
                    r.Note,
                    r.Metrics,
                }),
                report.Targets,
                report.Notes,
                report.Failed,
            };
            File.WriteAllText(path, JsonSerializer.Serialize(document, JsonOptions) + Environment.NewLine);
        }

        public static void WriteMarkdown(BenchReport report, string path)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory != null)
            {
                Directory.CreateDirectory(directory);
            }
            var text = new StringBuilder();
            text.AppendLine("Date: " + report.Date + "  ");
            text.AppendLine("Command: `" + report.Command + "`  ");
            text.AppendLine("Machine: " + string.Join(", ", report.Machine.Select(kv => kv.Key + " " + kv.Value)));
            text.AppendLine();
            text.Append(Table(report, markdown: true));
            text.AppendLine();
            text.Append(Targets(report, markdown: true));
            if (report.Notes.Count > 0)
            {
                text.AppendLine();
                foreach (string note in report.Notes)
                {
                    text.AppendLine("- " + note);
                }
            }
            File.WriteAllText(path, text.ToString());
        }

        internal static string Number(double? value, string unit)
        {
            if (!value.HasValue)
            {
                return "";
            }
            double v = value.Value;
            string format = unit == "us" || v >= 100 ? "N0" : v >= 10 ? "N1" : "N2";
            return v.ToString(format, CultureInfo.InvariantCulture);
        }

        internal static string Bytes(double bytes)
        {
            if (bytes >= 1024 * 1024)
            {
                return (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MiB";
            }
            if (bytes >= 1024)
            {
                return (bytes / 1024).ToString("N1", CultureInfo.InvariantCulture) + " KiB";
            }
            return bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";
        }
    }
}
