using System.Management.Automation;
using TurnstileWidgets.Parameters;

namespace TurnstileWidgets.Module.Tests.Parameters
{
    public class CsvBooleanTransformationTests
    {
        [Theory]
        [InlineData("true", true)]
        [InlineData("TRUE", true)]
        [InlineData(" yes ", true)]
        [InlineData("1", true)]
        [InlineData("$true", true)]
        [InlineData("$True", true)]
        [InlineData("false", false)]
        [InlineData("No", false)]
        [InlineData("0", false)]
        [InlineData("$false", false)]
        [InlineData("", false)]
        public void AcceptedSpellings(string text, bool expected)
        {
            Assert.True(CsvBooleanTransformationAttribute.TryParse(text, out bool value));
            Assert.Equal(expected, value);
            Assert.Equal(expected, CsvBooleanTransformationAttribute.Convert(text, "BotFightMode"));
        }

        [Fact]
        public void NonTextValues()
        {
            Assert.True(CsvBooleanTransformationAttribute.Convert(true, "Offlabel"));
            Assert.False(CsvBooleanTransformationAttribute.Convert(0, "Offlabel"));
            Assert.True(CsvBooleanTransformationAttribute.Convert(1L, "Offlabel"));
            Assert.False(CsvBooleanTransformationAttribute.Convert(null, "Offlabel"));
        }

        [Theory]
        [InlineData("maybe")]
        [InlineData("2")]
        [InlineData("on")]
        public void AnythingElseSaysWhatIsAccepted(string text)
        {
            var error = Assert.Throws<ArgumentTransformationMetadataException>(() => CsvBooleanTransformationAttribute.Convert(text, "EphemeralId"));
            Assert.Equal("-EphemeralId accepts true or false, 1 or 0, yes or no, or $true or $false; '" + text + "' is none of these.", error.Message);
        }

        [Fact]
        public void OtherNumbersAreRefused()
        {
            Assert.Throws<ArgumentTransformationMetadataException>(() => CsvBooleanTransformationAttribute.Convert(7, "Offlabel"));
        }
    }
}
