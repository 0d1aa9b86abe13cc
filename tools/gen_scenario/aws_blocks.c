/*
 * aws_blocks.c: the address blocks of the seed scenario's group (the AWS
 * ranges of the 2009 study), whether an address is in them on a day, and
 * remote addresses drawn inside them or outside every reserved range.
 */
#include "gen_int.h"

/* The seed prefix list, byte for byte as scenarios/aws-2009.txt. */
const char AWS_LIST[] =
    "# Amazon Web Services address blocks named in the 2009 study this project\n"
    "# automates (\"CIDR, whitespace, free-text label\").\n"
    "67.202.0.0/18    Amazon Execution Services\n"
    "72.44.32.0/19    Amazon Execution Services\n"
    "75.101.128.0/17  Amazon Execution Services\n"
    "174.129.0.0/16   Amazon Execution Services\n"
    "204.236.224.0/19 Amazon Execution Services\n"
    "79.125.0.0/18    Amazon EU AWS Dublin\n";

struct block {
    uint32_t net;
    unsigned len;
    int64_t from_day; /* first day the block is announced */
};

/* The seed blocks; 174.129.0.0/16 was announced only from 2009 on. */
static struct block aws_blocks[] = {
    {0x43CA0000u, 18, 0}, /* 67.202.0.0/18 */
    {0x482C2000u, 19, 0}, /* 72.44.32.0/19 */
    {0x4B658000u, 17, 0}, /* 75.101.128.0/17 */
    {0xAE810000u, 16, 0}, /* 174.129.0.0/16, from_day set by aws_blocks_announce */
    {0xCCECE000u, 19, 0}, /* 204.236.224.0/19 */
    {0x4F7D0000u, 18, 0}, /* 79.125.0.0/18 */
};
#define N_AWS_BLOCKS (sizeof aws_blocks / sizeof aws_blocks[0])

/* Announces 174.129.0.0/16 from 2009-01-01 on. */
void aws_blocks_announce(void)
{
    aws_blocks[3].from_day = days_from_civil(2009, 1, 1);
}

bool is_aws(uint32_t a, int64_t day)
{
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (day >= aws_blocks[i].from_day && in_block(a, aws_blocks[i].net, aws_blocks[i].len))
            return true;
    return false;
}

/* Reserved, private, documentation and multicast ranges never used as
 * background remotes (RFC 6890), plus every seed block at any date. */
bool is_background_ok(uint32_t a)
{
    static const struct {
        uint32_t net;
        unsigned len;
    } bad[] = {
        {0x00000000u, 8},  {0x0A000000u, 8},  {0x64400000u, 10}, {0x7F000000u, 8},
        {0xA9FE0000u, 16}, {0xAC100000u, 12}, {0xC0000000u, 24}, {0xC0000200u, 24},
        {0xC0586300u, 24}, {0xC0A80000u, 16}, {0xC6120000u, 15}, {0xC6336400u, 24},
        {0xCB007100u, 24}, {0xE0000000u, 4},  {0xF0000000u, 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (in_block(a, bad[i].net, bad[i].len))
            return false;
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (in_block(a, aws_blocks[i].net, aws_blocks[i].len))
            return false;
    unsigned last = a & 0xFF;
    return last != 0 && last != 255;
}

uint32_t background_addr(struct rng *r)
{
    for (;;) {
        uint32_t a = (uint32_t)rng_next(r);
        if (is_background_ok(a))
            return a;
    }
}

/* A host address inside the blocks announced on that day, uniform over them. */
uint32_t aws_addr(struct rng *r, int64_t day)
{
    uint64_t total = 0;
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (day >= aws_blocks[i].from_day)
            total += UINT64_C(1) << (32 - aws_blocks[i].len);
    for (;;) {
        uint64_t k = rng_below(r, total);
        for (size_t i = 0; i < N_AWS_BLOCKS; i++) {
            if (day < aws_blocks[i].from_day)
                continue;
            uint64_t size = UINT64_C(1) << (32 - aws_blocks[i].len);
            if (k < size) {
                uint32_t a = aws_blocks[i].net + (uint32_t)k;
                if ((a & 0xFF) != 0 && (a & 0xFF) != 255)
                    return a;
                break;
            }
            k -= size;
        }
    }
}
