Set-StrictMode -Version Latest

# A tester's findings on issue 18's new engine core (the hand-written widget converter, the whole body read into a pooled
# buffer, the one launcher), each one a test first. What the emulator cannot send (a null in a page, a byte order mark,
# an unreadable success) comes from a fake API in this file: a loopback TCP listener on a port the OS picks, answering
# each request with the next raw HTTP answer queued (the last one again when none is queued).

BeforeAll {
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $null = Import-TurnstileModuleUnderTest

    if (-not ('BreakIssue18.RawFakeApi' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace BreakIssue18
{
    public sealed class RawFakeApi : IDisposable
    {
        private readonly TcpListener listener;
        private readonly ConcurrentQueue<byte[]> answers = new ConcurrentQueue<byte[]>();
        private readonly ConcurrentBag<TcpClient> clients = new ConcurrentBag<TcpClient>();
        private byte[] last;

        public RawFakeApi()
        {
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task.Run(AcceptLoop);
        }

        public int Port { get; private set; }
        public Uri BaseUri { get { return new Uri("http://127.0.0.1:" + Port + "/client/v4"); } }
        public ConcurrentQueue<string> RequestLines = new ConcurrentQueue<string>();

        // head: the status line and headers, one per line; body: the bytes after them, sent as they are.
        public void Answer(string head, byte[] body)
        {
            byte[] headBytes = Encoding.ASCII.GetBytes(head.Replace("\r\n", "\n").TrimEnd().Replace("\n", "\r\n") + "\r\n\r\n");
            var all = new byte[headBytes.Length + body.Length];
            Buffer.BlockCopy(headBytes, 0, all, 0, headBytes.Length);
            Buffer.BlockCopy(body, 0, all, headBytes.Length, body.Length);
            answers.Enqueue(all);
        }

        private async Task AcceptLoop()
        {
            while (true)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                clients.Add(client);
                var serving = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var one = new byte[1];
                while (true)
                {
                    var head = new StringBuilder();
                    while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                    {
                        if (await stream.ReadAsync(one, 0, 1).ConfigureAwait(false) == 0) { client.Dispose(); return; }
                        head.Append((char)one[0]);
                    }
                    string text = head.ToString();
                    int length = 0;
                    foreach (string line in text.Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) { length = int.Parse(line.Substring(15).Trim()); }
                    }
                    var body = new byte[length];
                    int read = 0;
                    while (read < length) { read += await stream.ReadAsync(body, read, length - read).ConfigureAwait(false); }
                    RequestLines.Enqueue(text.Substring(0, text.IndexOf('\r')));
                    byte[] answer;
                    if (answers.TryDequeue(out answer)) { last = answer; } else { answer = last; }
                    if (answer == null) { client.Dispose(); return; }
                    await stream.WriteAsync(answer, 0, answer.Length).ConfigureAwait(false);
                }
            }
            catch (Exception) { }
        }

        public void Dispose()
        {
            listener.Stop();
            foreach (TcpClient client in clients) { client.Dispose(); }
        }
    }
}
'@
    }

    $script:token = ConvertTo-TurnstileTestSecureString -Text ('break18-' + (Get-TurnstileRandomHex -Length 32))
    $script:tokenText = ConvertFrom-TurnstileTestSecureString -SecureString $script:token
    $script:account = Get-TurnstileRandomHex -Length 32
    $script:sitekey = '0x4AAAAAAAbreak18Sitekey'
    $script:secretText = '0x4AAAAAAAbreak18SecretNeverShown'
    $script:widgetJson = '{"sitekey":"' + $script:sitekey + '","secret":"' + $script:secretText + '","name":"odd","domains":["odd.example.com"],"mode":"managed","region":"world","clearance_level":"no_clearance","bot_fight_mode":false,"ephemeral_id":false,"offlabel":false,"created_on":"2026-01-01T00:00:00Z","modified_on":"2026-01-01T00:00:00Z"}'

    function script:ConvertTo-Envelope {
        param([string] $Result, [int] $Count = 1)
        '{"success":true,"errors":[],"messages":[],"result":' + $Result + ',"result_info":{"page":1,"per_page":1000,"count":' + $Count + ',"total_count":' + $Count + '}}'
    }

    function script:Add-FakeAnswer {
        # One answer: JSON (or any text) as UTF-8, with the byte order mark first when asked, and a Content-Length.
        param($Fake, [string] $Body, [int] $Status = 200, [string] $Reason = 'OK', [switch] $ByteOrderMark, [string] $ContentType = 'application/json')
        [byte[]] $bytes = [System.Text.Encoding]::UTF8.GetBytes($Body)
        if ($ByteOrderMark) { $bytes = [byte[]](0xEF, 0xBB, 0xBF) + $bytes }
        $Fake.Answer("HTTP/1.1 $Status $Reason`nContent-Type: $ContentType`nContent-Length: $($bytes.Length)", $bytes)
    }

    function script:Connect-Fake {
        # Connect-Turnstile checks the token and reads one page of widgets: both answered.
        param($Fake)
        Add-FakeAnswer -Fake $Fake -Body '{"success":true,"errors":[],"messages":[],"result":{"id":"t","status":"active"}}'
        Add-FakeAnswer -Fake $Fake -Body (ConvertTo-Envelope -Result '[]' -Count 0)
        Connect-Turnstile -Name 'break18' -ApiBaseUri $Fake.BaseUri -ApiToken $script:token -AccountId $script:account -ErrorAction Stop
    }
}

AfterAll {
    if (Get-Command -Name 'Disconnect-Turnstile' -ErrorAction SilentlyContinue) {
        Disconnect-Turnstile -Name 'break18' -ErrorAction SilentlyContinue
    }
}

Describe 'Widget JSON the API should not send' {
    BeforeEach {
        $script:fake = [BreakIssue18.RawFakeApi]::new()
        Connect-Fake -Fake $script:fake
    }

    AfterEach {
        $script:fake.Dispose()
    }

    It 'a null in a page of widgets is an unreadable answer naming the item, not a NullReferenceException' {
        Add-FakeAnswer -Fake $script:fake -Body (ConvertTo-Envelope -Result "[$($script:widgetJson),null]" -Count 2)

        $listed = @(Get-TurnstileWidget -Connection 'break18' -ErrorAction SilentlyContinue -ErrorVariable failed)

        $listed | Should -HaveCount 0
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileApiError,*'
        $failed[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failed[0].Exception.Message | Should -Match 'item 2 of the page''s result was null'
        # A 200 is no refusal: the message said "Cloudflare API refused GET ...: 200 OK".
        $failed[0].Exception.Message | Should -Match '^Cloudflare API answered GET .*: 200'
        # Nothing to correct in the request: the answer is what is wrong.
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -Match 'correct the request'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match '-ApiBaseUri'
        ($failed | Out-String) + $failed[0].Exception.InnerException.Message | Should -Not -Match ([regex]::Escape($script:secretText))
    }

    It 'a widget field of the wrong type is named in the error' {
        Add-FakeAnswer -Fake $script:fake -Body (ConvertTo-Envelope -Result ('[' + $script:widgetJson.Replace('"clearance_level":"no_clearance"', '"clearance_level":5') + ']'))

        $null = Get-TurnstileWidget -Connection 'break18' -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed | Should -HaveCount 1
        $failed[0].Exception.Message | Should -Match "the widget field 'clearance_level': Expected a string, found Number"
    }

    It 'a success body that starts with a UTF-8 byte order mark is read (the streamed reader skipped it)' {
        Add-FakeAnswer -Fake $script:fake -Body (ConvertTo-Envelope -Result "[$($script:widgetJson)]") -ByteOrderMark

        $listed = @(Get-TurnstileWidget -Connection 'break18' -ErrorAction Stop)

        $listed | Should -HaveCount 1
        $listed[0].Sitekey | Should -Be $script:sitekey
        $listed[0].Secret | Should -BeNullOrEmpty
    }

    It 'an error body that starts with a UTF-8 byte order mark keeps Cloudflare''s code and message' {
        # 7003 says the route does not exist: without the code, a 404 on one widget reads as "widget not found".
        Add-FakeAnswer -Fake $script:fake -Status 404 -Reason 'Not Found' -ByteOrderMark -Body '{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}],"messages":[],"result":null}'

        $null = Get-TurnstileWidget -Connection 'break18' -Sitekey $script:sitekey -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed | Should -HaveCount 1
        $failed[0].Exception.Message | Should -Match 'No route for that URI'
        $failed[0].FullyQualifiedErrorId | Should -Not -BeLike 'TurnstileWidgetNotFound,*'
    }

    It 'a redirect (the API never sends one) names where it points, without its user info, and says to check -ApiBaseUri' {
        $script:fake.Answer("HTTP/1.1 301 Moved Permanently`nLocation: https://user:hunter2@api.example.com/client/v4/accounts?x=1`nContent-Length: 0", [byte[]]@())

        $null = Get-TurnstileWidget -Connection 'break18' -ErrorAction SilentlyContinue -ErrorVariable failed

        $failed | Should -HaveCount 1
        # It said "301 Moved Permanently (empty body)" and "Read Cloudflare's message above; correct the request and try again."
        $failed[0].Exception.Message | Should -Match 'redirected to https://api\.example\.com/client/v4/accounts'
        ($failed | Out-String) + $failed[0].Exception.Message + $failed[0].ErrorDetails.RecommendedAction | Should -Not -Match 'hunter2'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match '-ApiBaseUri'
        @($script:fake.RequestLines) -like 'GET */challenges/widgets?*per_page=1000*' | Should -HaveCount 1
    }

    It 'a create whose 200 answer cannot be read says the widget was probably created, not to send it again (<case>)' -ForEach @(
        @{ case = 'cut short by a lying Content-Length'; body = 'cut' }
        @{ case = 'an empty body'; body = '' }
    ) {
        $answer = ConvertTo-Envelope -Result $script:widgetJson
        if ($body -eq 'cut') {
            [byte[]] $bytes = [System.Text.Encoding]::UTF8.GetBytes($answer)
            $script:fake.Answer("HTTP/1.1 200 OK`nContent-Type: application/json`nContent-Length: 40", $bytes)
        }
        else {
            Add-FakeAnswer -Fake $script:fake -Body ''
        }

        $created = New-TurnstileWidget -Connection 'break18' -Name 'odd' -Domain 'odd.example.com' -Mode Managed -ErrorAction SilentlyContinue -ErrorVariable failed

        $created | Should -BeNullOrEmpty
        $failed | Should -HaveCount 1
        $failed[0].Exception.Message | Should -Match 'probably took effect'
        $failed[0].Exception.Message | Should -Not -Match 'refused'
        $failed[0].Exception.Message | Should -Not -Match 'try again'
        $failed[0].Exception.InnerException.RequestMayHaveTakenEffect | Should -BeTrue
        # The advice said "Read Cloudflare's message above; correct the request and try again": a second widget.
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -Match 'try again'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'Get-TurnstileWidget'
        if ($body -eq '') { $failed[0].Exception.Message | Should -Match 'the body was empty' }
        @($script:fake.RequestLines) -like 'POST *' | Should -HaveCount 1
    }
}

Describe 'A byte order mark outside the REST API' {
    It 'a siteverify answer that starts with a UTF-8 byte order mark is read' {
        $fake = [BreakIssue18.RawFakeApi]::new()
        try {
            Add-FakeAnswer -Fake $fake -Body '{"success":true,"errors":[],"messages":[],"result":{"id":"t","status":"active"}}'
            Add-FakeAnswer -Fake $fake -Body (ConvertTo-Envelope -Result '[]' -Count 0)
            Connect-Turnstile -Name 'break18' -ApiBaseUri $fake.BaseUri -SiteverifyUri ([uri]($fake.BaseUri.AbsoluteUri + '/siteverify')) -ApiToken $script:token -AccountId $script:account -ErrorAction Stop
            # A made-up response token refused for itself, not for the secret: the secret is good.
            Add-FakeAnswer -Fake $fake -ByteOrderMark -Body '{"success":false,"error-codes":["invalid-input-response"],"messages":[]}'

            $checked = Test-TurnstileWidgetSecret -Connection 'break18' -Sitekey $script:sitekey -Secret (ConvertTo-TurnstileTestSecureString -Text $script:secretText) -ErrorAction SilentlyContinue -ErrorVariable failed

            $failed | Should -HaveCount 0
            $checked | Should -Not -BeNullOrEmpty
            ($checked | Out-String) | Should -Not -Match ([regex]::Escape($script:secretText))
        }
        finally {
            $fake.Dispose()
        }
    }
}

Describe 'Options at their edge' {
    It 'a -MaxBlockWait of [timespan]::MaxValue meets a 429 asking for years: refused as a rate limit, not an ArgumentOutOfRangeException from a timer' {
        $fake = [BreakIssue18.RawFakeApi]::new()
        try {
            Add-FakeAnswer -Fake $fake -Body '{"success":true,"errors":[],"messages":[],"result":{"id":"t","status":"active"}}'
            Add-FakeAnswer -Fake $fake -Body (ConvertTo-Envelope -Result '[]' -Count 0)
            Connect-Turnstile -Name 'break18' -ApiBaseUri $fake.BaseUri -ApiToken $script:token -AccountId $script:account -MaxBlockWait ([timespan]::MaxValue) -ErrorAction Stop
            [byte[]] $bytes = [System.Text.Encoding]::UTF8.GetBytes('{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}')
            $fake.Answer("HTTP/1.1 429 Too Many Requests`nContent-Type: application/json`nRetry-After: 99999999999`nRatelimit: `"default`";r=0;t=99999999999`nContent-Length: $($bytes.Length)", $bytes)

            $null = Get-TurnstileWidget -Connection 'break18' -Sitekey $script:sitekey -ErrorAction SilentlyContinue -ErrorVariable failed

            $failed | Should -HaveCount 1
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileRateLimited,*'
            @($fake.RequestLines) -like 'GET */widgets/*' | Should -HaveCount 1
        }
        finally {
            $fake.Dispose()
        }
    }
}

Describe 'The one launcher' {
    BeforeAll {
        & (Get-Module -Name 'TurnstileTestHelpers') { Import-TurnstileEmulatorLauncher }
        $script:emulatorPath = [TurnstileWidgets.TestSupport.EmulatorProcess]::BuiltEmulatorPath((Get-TurnstileRepositoryRoot), 'Release')
    }

    It 'refuses an API token given both as ApiToken and as --api-token in Arguments, naming neither value' {
        $options = [TurnstileWidgets.TestSupport.EmulatorProcessOptions]::new()
        $options.EmulatorPath = $script:emulatorPath
        $options.ApiToken = 'launcher-token-A'
        $options.Arguments.Add('--api-token')
        $options.Arguments.Add('arguments-token-B')

        # Before: the emulator accepted token B while ApiToken (and NewApiClient) named A: every request was refused.
        $thrown = { [TurnstileWidgets.TestSupport.EmulatorProcess]::Start($options) } | Should -Throw -PassThru

        $thrown.Exception.InnerException | Should -BeOfType ([System.ArgumentException])
        $thrown.Exception.InnerException.Message | Should -Match 'given twice'
        $thrown.Exception.InnerException.Message | Should -Not -Match 'token-A|token-B'
    }

    It 'masks a token given with --api-token in Arguments without it being listed in Secrets' {
        $options = [TurnstileWidgets.TestSupport.EmulatorProcessOptions]::new()
        $options.EmulatorPath = $script:emulatorPath
        # The emulator echoes a refused --port value: here it is the token, as a mistyped command line could make it.
        foreach ($argument in @('--api-token', 'echoed-token-C', '--port', 'echoed-token-C')) { $options.Arguments.Add($argument) }

        $thrown = { [TurnstileWidgets.TestSupport.EmulatorProcess]::Start($options) } | Should -Throw -PassThru

        $thrown.Exception.InnerException.Message | Should -Match 'exited with code 2'
        $thrown.Exception.InnerException.Message | Should -Not -Match 'echoed-token-C'
    }
}
