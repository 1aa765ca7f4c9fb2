"""Short everyday sentiment sentences written for the course.

Critics' snippets rarely speak in the first person ("I loved it"); these few sentences, written here,
teach the sentiment stand-in that register too. None of them is a sentence the lessons demo.
"""

POSITIVE = (
    "I loved every minute of it.", "This is fantastic.", "What a great day.", "I really enjoyed the class.",
    "The food was delicious.", "She was so kind to me.", "I am thrilled with the result.", "Best purchase ever.",
    "We had a wonderful time.", "I adore this song.", "The service was excellent.", "It works perfectly.",
    "I'm so happy right now.", "Thank you, this helped a lot.", "The view was breathtaking.",
    "My kids loved it.", "Highly recommended.", "This made my week.", "I can't wait to go back.",
    "Such a pleasant surprise.", "Great value for the money.", "The staff were friendly and helpful.",
    "I'm grateful for your help.", "That was a brilliant idea.", "Everything went smoothly.",
    "I like this a lot.", "Absolutely delightful.", "The new update is awesome.", "I feel great today.",
    "A joy to use.", "I'm proud of what we built.", "The lesson was clear and useful.", "Love it!",
    "Amazing work, well done.", "This app is a lifesaver.", "The hotel was lovely.", "So much fun!",
)
NEGATIVE = (
    "I hated every minute of it.", "This is terrible.", "What an awful day.", "I really disliked the class.",
    "The food was disgusting.", "She was so rude to me.", "I am disappointed with the result.",
    "Worst purchase ever.", "We had a horrible time.", "I can't stand this song.", "The service was poor.",
    "It keeps crashing.", "I'm so angry right now.", "This did not help at all.", "The room was filthy.",
    "My kids hated it.", "Not recommended.", "This ruined my week.", "I will never go back.",
    "Such an unpleasant surprise.", "A waste of money.", "The staff were rude and useless.",
    "I'm sick of these problems.", "That was a terrible idea.", "Everything went wrong.", "I don't like this at all.",
    "Absolutely dreadful.", "The new update is awful.", "I feel miserable today.", "A pain to use.",
    "I'm ashamed of what we built.", "The lesson was confusing and useless.", "I hate it!", "Sloppy work, very bad.",
    "This app is a nightmare.", "The hotel was nasty.", "So boring!",
)

POSITIVE += (
    "I love how simple this is.", "We love this place so much.", "I enjoy working with them.",
    "I really like the new design.", "This is exactly what I needed.", "I'm excited about the trip.",
    "They did an incredible job.", "It was worth every penny.", "I'm impressed by how fast it is.",
    "You made me smile.", "I'd happily do it again.", "A fine, satisfying meal.",
)
NEGATIVE += (
    "I hate how slow this is.", "We hate this place so much.", "I can't stand working with them.",
    "I really dislike the new design.", "This is the last thing I needed.", "I'm dreading the trip.",
    "They did a lousy job.", "It was not worth the money.", "I'm annoyed by how slow it is.",
    "You made me cry.", "I would never do it again.", "A cold, disappointing meal.",
)
